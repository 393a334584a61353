"""AdamW on the rows a batch touched: one step costs the same on 10 million rows as on 1,000.

torch's dense AdamW updates every row of both tables every step, so its step grows with the
tables. Most rows' gradient is zero in a given step; for them AdamW only multiplies: the
weight by (1 - lr * wd), the moments by beta1 and beta2. Here those multiplications wait,
per row, until the row is next used, and are then applied at once from a table of their
running products (`schedule.prefix_table`), exactly. A touched row then takes AdamW's own
update. Where a batch touches every row, this is torch's AdamW (tests/train/step/test_row_adamw.py).

AdamW also keeps moving a skipped row by its decaying momentum ("coasting"). That drift is
applied in closed form (`schedule.coast_table`), with the denominator held at its value when
the row was last touched: the one approximation. Left out, u1's RMSE was 0.04 worse; with it,
the defaults end within 0.0002 of dense AdamW (bench/train_speed.py).

The model's tables are packed into one (n_users + n_items, 3, C) block of weights and both
moments, C = n_factors (+1 for the bias): a step is one gather of the batch's rows, a closed-
form forward and gradient, AdamW on those rows and one scatter back: about 35 torch kernels,
or one call of the compiled loop (`row_kernel`, on the CPU where numba is installed).
The model's own parameters are written from the block by `settle()` before anyone reads
them; settling changes nothing in the block, so when and how often it runs changes no result.
"""

from __future__ import annotations

import importlib
import warnings

import numpy as np
import torch

from explorer.train.config import DOT_MODELS
from explorer.train.model.models import DotProduct
from explorer.train.step import row_torch
from explorer.train.step.schedule import bias2_table, coast_table, one_cycle, prefix_table

_LOADED: list = []  # [the kernel module, or None once it failed]


def _kernel():
    """The compiled step (row_kernel), or None where numba is missing or cannot build it:
    then the torch ops do the same maths, only slower. Tried once a process."""
    if not _LOADED:
        try:
            row_kernel = importlib.import_module("explorer.train.step.row_kernel")
        except Exception as e:  # ImportError, or numba's own error on an unusual machine
            warnings.warn(f"No compiled row step ({e}): torch ops instead.", stacklevel=2)
            row_kernel = None
        _LOADED.append(row_kernel)
    return _LOADED[0]


def uses_row_updates(config, device: str) -> bool:
    """Whether a run's steps go through RowAdamW: AdamW, closed-form gradients, a DotProduct
    model and the setting on (CollabNN's layers, and every other optimizer, step densely);
    not on Apple's mps, which has no float64 for the schedule's tables."""
    return (
        config.row_updates
        and device != "mps"
        and config.fast_step
        and config.optimizer == "AdamW"
        and config.model in DOT_MODELS
    )


def _starts(start: int, n: int, batch: int) -> range:
    return range(start, start + n * batch, batch)


class RowAdamW:
    """The packed tables, AdamW's moments and each row's last step, for one model and run."""

    def __init__(self, model: DotProduct, config, total_steps: int, compiled: bool = True):
        self.model = model
        self.bias = hasattr(model, "user_bias")
        uf, itf = model.user_factors.weight, model.item_factors.weight
        self.n_users, self.k = uf.shape
        self.device = uf.device
        n, c = self.n_users + itf.shape[0], self.k + int(self.bias)
        self.block = torch.zeros(n, 3, c, device=self.device)  # weights, exp_avg, exp_avg_sq
        self.pack()
        # per row: the steps applied to it (`last`), and two scratch columns for the kernel
        self.meta = torch.zeros(n, 3, dtype=torch.long, device=self.device)
        self.last = self.meta[:, 0]
        self.wd = config.wd
        self.bias_wd = config.wd if config.bias_wd is None else config.bias_wd
        self.rates, self.betas = one_cycle(config.lr, total_steps, config.schedule == "one_cycle")
        table = prefix_table(self.rates, self.betas, (self.wd, self.bias_wd))
        self.prefix = table.to(self.device)
        self.coast = coast_table(self.rates, self.betas).to(self.device)
        self.bias2 = bias2_table(total_steps).to(self.device)
        self.t = 0  # steps taken
        self.settled_at = -1  # the step the model's parameters were last written at
        self.good: tuple | None = None
        self.kernel = _kernel() if self.device.type == "cpu" and compiled else None
        if self.kernel is not None:  # numpy views of the same memory: the two paths agree
            # a slot per row a batch can touch: no more rows than 2 per rating, nor than exist
            self.slots = min(n, 2 * config.batch_size)
            grad = torch.zeros(self.slots, c)
            touched = torch.empty(self.slots, dtype=torch.long)
            decay = torch.ones(self.slots, 2)
            arrays = (self.block, self.meta, grad, decay, touched, self.prefix, self.coast)
            arrays += (self.bias2,)
            self.arrays = tuple(a.numpy() for a in arrays)
            self.arrays += (self.rates, self.betas)  # float64 arrays already
            self.settled = torch.empty(n, 1, c)  # settle()'s weights
            self.epoch: tuple | None = None  # (the epoch's tensors, their arrays)
            y = model.y_range or (0.0, 1.0)
            self.constants = (self.k, self.bias, model.y_range is not None, *map(float, y))
            self.constants += (float(self.wd), float(self.bias_wd))
            self.prefetch = self.block.numel() * 4 > self.kernel.PREFETCH_BYTES
        else:
            self.grad = torch.zeros(n, c, device=self.device)  # sums a batch's repeated rows

    @property
    def lr(self) -> float:
        """The rate of the next step (of the last one, after the run's end)."""
        return float(self.rates[min(self.t, len(self.rates) - 1)])

    def pack(self) -> None:
        """Copy the model's weights into the block (at the start)."""
        m, k, nu = self.model, self.k, self.n_users
        with torch.no_grad():
            w = self.block[:, 0]
            w[:nu, :k] = m.user_factors.weight
            w[nu:, :k] = m.item_factors.weight
            if self.bias:
                w[:nu, k] = m.user_bias.weight[:, 0]
                w[nu:, k] = m.item_bias.weight[:, 0]

    def settle(self) -> None:
        """Write every row's weights, decayed up to now, into the model's parameters (once
        a step: a snapshot and its replay frame both ask)."""
        if self.settled_at == self.t:
            return
        self.settled_at = self.t
        m, k, nu = self.model, self.k, self.n_users
        with torch.no_grad():
            if self.kernel is not None:  # one pass over the block, into a buffer
                a, wd = self.arrays, self.constants[-2:]
                self.kernel.settle(*a[:2], *a[5:8], self.t, k, *wd, self.settled.numpy())
                w = self.settled[:, 0]
            else:
                x = self.block.clone()
                w = x[:, 0]
                row_torch.catch_up(self, w, x[:, 1:], self.last)
            m.user_factors.weight.copy_(w[:nu, :k])
            m.item_factors.weight.copy_(w[nu:, :k])
            if self.bias:
                m.user_bias.weight[:, 0] = w[:nu, k]
                m.item_bias.weight[:, 0] = w[nu:, k]

    def finite(self) -> bool:
        """Whether every weight and moment in the block is finite."""
        if self.kernel is not None:
            return self.kernel.finite(self.arrays[0])
        return bool(torch.isfinite(self.block).all())

    def save_good(self) -> None:
        """Keep a copy of the state, checked finite by the caller, to roll back to."""
        if self.good is None:
            self.good = (self.block.clone(), self.last.clone(), self.t)
        else:
            self.good[0].copy_(self.block)
            self.good[1].copy_(self.last)
            self.good = (*self.good[:2], self.t)

    def restore_good(self) -> None:
        """Back to the last `save_good()` (the run ends there: the schedule is not rewound)."""
        self.block.copy_(self.good[0])
        self.last.copy_(self.good[1])
        self.t = self.good[2]
        self.settled_at = -1
        self.settle()

    def state_dict(self) -> dict:
        """The block (weights and moments), each row's last step and the steps taken."""
        return {"block": self.block, "meta": self.meta, "t": self.t}

    def load_state_dict(self, state: dict) -> None:
        self.block.copy_(state["block"])  # in place: the kernel's numpy views stay valid
        self.meta.copy_(state["meta"])
        self.t, self.settled_at = int(state["t"]), -1

    def step(self, users: torch.Tensor, items: torch.Tensor, target: torch.Tensor):
        """One AdamW step on a batch; returns the batch MSE (a float, or a 0-d tensor)."""
        if self.kernel is not None:
            return self.steps((users, items, target), 0, 1, len(target))[0]
        return row_torch.step(self, torch.cat([users, items + self.n_users]), target)

    def steps(self, data: tuple, start: int, n: int, batch: int) -> list:
        """n steps on consecutive batches of `batch` ratings of data = (users, items, target)
        from index `start`: the compiled loop runs them in one call. Returns their MSEs."""
        if self.kernel is None:
            return [self.step(*(x[a : a + batch] for x in data)) for a in _starts(start, n, batch)]
        if 2 * batch > self.slots < len(self.block):
            raise ValueError(f"A batch of {batch} is larger than the run's batch size.")
        if self.epoch is None or self.epoch[0] is not data:  # once an epoch: numpy views
            users, items, target = (x.numpy() for x in data)  # copied only to change dtype
            users = np.ascontiguousarray(users, dtype=np.int64)
            items = np.ascontiguousarray(items, dtype=np.int64) + self.n_users
            self.epoch = (data, (users, items, np.ascontiguousarray(target, dtype=np.float32)))
        losses = np.empty(n)
        args = (*self.arrays, self.t, *self.epoch[1], start, batch, losses, *self.constants)
        args += (self.prefetch,)
        self.kernel.steps(*args)
        self.t += n
        return losses.tolist()
