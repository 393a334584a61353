"""AdamW on the rows a batch touched: one step costs the same on 10 million rows as on 1,000.

torch's dense AdamW updates every row of both tables every step, so its step grows with the
tables. Most rows' gradient is zero in a given step; for them AdamW only multiplies: the
weight by (1 - lr * wd), the moments by beta1 and beta2. Here those multiplications wait,
per row, until the row is next used, and are then applied at once from a table of their
running products (`schedule.prefix_table`), exactly. A touched row then takes AdamW's own
update. Where a batch touches every row, this is torch's AdamW (tests/train/test_row_adamw.py).

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
import math
import warnings

import numpy as np
import torch

from explorer.train.models import DOT_MODELS, DotProduct
from explorer.train.schedule import BETA2, EPS, bias2_table, coast_table, one_cycle, prefix_table

_LOADED: list = []  # [the kernel module, or None once it failed]


def _kernel():
    """The compiled step (row_kernel), or None where numba is missing or cannot build it:
    then the torch ops do the same maths, only slower. Tried once a process."""
    if not _LOADED:
        try:
            row_kernel = importlib.import_module("explorer.train.row_kernel")
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
            self.epoch: tuple | None = None  # (the epoch's tensors, their arrays)
            y = model.y_range or (0.0, 1.0)
            self.constants = (self.k, self.bias, model.y_range is not None, *map(float, y))
            self.constants += (float(self.wd), float(self.bias_wd))
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

    def _catch_up(self, w: torch.Tensor, moments: torch.Tensor, since: torch.Tensor):
        """Apply, in place, the steps from `since` (per row) to now, where the rows' gradient
        was zero: the momentum's moves, then the decay of weights and moments."""
        t, k = self.t, self.k
        d = self.prefix[t] - self.prefix.index_select(0, since)
        r = self.coast.index_select(0, since) - d[:, 2].exp() * self.coast[t]
        bias2 = self.bias2.index_select(0, since).float().unsqueeze(1)
        m, v = moments[:, 0], moments[:, 1]
        denom = v.sqrt().div_(bias2).add_(EPS)
        w.addcdiv_(m * r.float().unsqueeze(1), denom, value=-1.0)
        f = d.exp_().float()
        if self.wd:
            w[:, :k].mul_(f[:, 0:1])
        if self.bias and self.bias_wd:
            w[:, k:].mul_(f[:, 1:2])
        moments.mul_(f[:, 2:4].unsqueeze(-1))

    def settle(self) -> None:
        """Write every row's weights, decayed up to now, into the model's parameters."""
        m, k, nu = self.model, self.k, self.n_users
        with torch.no_grad():
            x = self.block.clone()
            w = x[:, 0]
            self._catch_up(w, x[:, 1:], self.last)
            m.user_factors.weight.copy_(w[:nu, :k])
            m.item_factors.weight.copy_(w[nu:, :k])
            if self.bias:
                m.user_bias.weight[:, 0] = w[:nu, k]
                m.item_bias.weight[:, 0] = w[nu:, k]

    def finite(self) -> bool:
        """Whether every weight and moment in the block is finite."""
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
        self.settle()

    def step(self, users: torch.Tensor, items: torch.Tensor, target: torch.Tensor):
        """One AdamW step on a batch; returns the batch MSE (a float, or a 0-d tensor)."""
        if self.kernel is not None:
            return self.steps((users, items, target), 0, 1, len(target))[0]
        return self._torch_step(torch.cat([users, items + self.n_users]), target)

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
        self.kernel.steps(*args)
        self.t += n
        return losses.tolist()

    def _torch_step(self, rows: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        """The same step in torch ops, on any device: `rows` holds users, then items."""
        t, k, b = self.t, self.k, len(target)
        with torch.no_grad():
            x = self.block.index_select(0, rows)  # (2B, 3, C): a copy of the batch's rows
            w, mv = x[:, 0], x[:, 1:]
            self._catch_up(w, mv, self.last.index_select(0, rows))
            dz, err = self._forward(w[:b], w[b:], target)
            g = torch.empty_like(w)  # d(MSE)/d(row): each side's factors times dz
            torch.mul(w[b:, :k], dz, out=g[:b, :k])
            torch.mul(w[:b, :k], dz, out=g[b:, :k])
            if self.bias:
                g[:, k].view(2, b).copy_(dz.view(1, b))
            self.grad.index_add_(0, rows, g)  # a row in the batch twice gets both terms
            g = self.grad.index_select(0, rows)
            self.grad.index_fill_(0, rows, 0.0)
            self._adamw(w, x[:, 1], x[:, 2], g)
            self.block.index_copy_(0, rows, x)  # repeated rows carry the same values
            self.last.index_fill_(0, rows, t + 1)
            self.t += 1
            return (err * err).mean()

    def _forward(self, eu: torch.Tensor, ei: torch.Tensor, target: torch.Tensor):
        """d(MSE)/d(score) per rating (B, 1) and the errors (B,)."""
        k, y_range = self.k, self.model.y_range
        z = torch.linalg.vecdot(eu[:, :k], ei[:, :k])
        if self.bias:
            z += eu[:, k]
            z += ei[:, k]
        scale = 2.0 / len(target)
        if y_range is None:
            err = z.sub_(target)
            return (err * scale).unsqueeze(1), err
        low, high = y_range
        s = torch.sigmoid(z)
        err = (s * (high - low)).sub_(target).add_(low)
        dz = (s - s * s).mul_(err).mul_(scale * (high - low))
        return dz.unsqueeze(1), err

    def _adamw(self, w, m, v, g) -> None:
        """torch's AdamW update (decoupled decay, bias-corrected moments) on gathered rows."""
        t, k = self.t, self.k
        lr, beta1 = self.rates[t], self.betas[t]
        m.lerp_(g, 1 - beta1)
        v.mul_(BETA2).addcmul_(g, g, value=1 - BETA2)
        if self.wd:
            w[:, :k].mul_(1 - lr * self.wd)
        if self.bias and self.bias_wd:
            w[:, k:].mul_(1 - lr * self.bias_wd)
        bias1 = 1 - beta1 ** (t + 1)
        bias2 = 1 - BETA2 ** (t + 1)
        denom = v.sqrt().div_(math.sqrt(bias2)).add_(EPS)
        w.addcdiv_(m, denom, value=-lr / bias1)
