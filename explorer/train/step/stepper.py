"""One optimizer step on a batch, the fastest way the config allows.

For DotProduct and DotProductBias with a dense optimizer the gradient is computed in closed
form (`fast_step`) into preallocated `.grad` tensors and torch's fused AdamW steps on them,
instead of building an autograd graph each step: the same maths with about a third of the
per-step overhead (bench/train_speed.py). With `row_updates` (the default), AdamW updates only the
rows a batch touched (`row_adamw`), compiled on the CPU where numba is installed. SparseAdam's
fast path updates only the rows a batch touched too, without weight decay. `fast_step=False`
is autograd, the reference path.
"""

from __future__ import annotations

import warnings

import torch

from explorer.train.config import DOT_MODELS, TrainConfig
from explorer.train.model.models import DotProduct
from explorer.train.step.fast_step import (
    AdamStep,
    SparseAdamStep,
    analytic_grads,
    analytic_row_grads,
)
from explorer.train.step.reference import make_optimizer, make_scheduler, param_groups
from explorer.train.step.row_adamw import RowAdamW, uses_row_updates


class Stepper:
    """The optimizer, the schedule and the fast step's buffers of one model."""

    def __init__(self, model: DotProduct, config: TrainConfig, total_steps: int):
        self.model, self.config = model, config
        device = next(model.parameters()).device
        params = [e.weight for e in model.embeddings()]
        sparse = config.optimizer == "SparseAdam"
        # the closed form is the dot product's; CollabNN's MLP steps through autograd
        self.use_fast = config.fast_step and not sparse and config.model in DOT_MODELS
        self.grad_buffer = None
        self.rows: RowAdamW | None = None
        if uses_row_updates(config, device.type):
            self.rows = RowAdamW(model, config, total_steps)
            self.optimizer = self.scheduler = None
            return
        if self.use_fast:  # every .grad is a view of one buffer, zeroed by one call a step
            self.grad_buffer = torch.zeros(sum(p.numel() for p in params), device=device)
            start = 0
            for p in params:
                p.grad = self.grad_buffer[start : start + p.numel()].view_as(p)
                start += p.numel()
        self.optimizer = make_optimizer(config, param_groups(config, model), device)
        self.fused = bool(self.optimizer.param_groups[0].get("fused"))
        self.adam_step: AdamStep | None = None  # made after the first step, when state exists
        self.sparse_step = SparseAdamStep(self.optimizer) if sparse and config.fast_step else None
        self.scheduler = make_scheduler(config, self.optimizer, total_steps)

    @property
    def lr(self) -> float:
        if self.rows is not None:
            return self.rows.lr
        return self.optimizer.param_groups[0]["lr"]

    def settle(self) -> None:
        """Bring the model's parameters up to date before anyone reads them (row updates
        keep the weights in their own block; every other path steps the parameters)."""
        if self.rows is not None:
            self.rows.settle()

    def state_dict(self) -> dict:
        """The optimizer's and the schedule's state (or the row step's): with the model's
        weights, all a fresh Stepper needs to take the very next step (loop/resume.py)."""
        if self.rows is not None:
            return {"rows": self.rows.state_dict()}
        scheduler = None if self.scheduler is None else self.scheduler.state_dict()
        return {"optimizer": self.optimizer.state_dict(), "scheduler": scheduler}

    def load_state_dict(self, state: dict) -> None:
        if self.rows is not None:
            self.rows.load_state_dict(state["rows"])
            return
        self.optimizer.load_state_dict(state["optimizer"])  # new state tensors, new groups:
        if self.scheduler is not None:  # the fast steps that hold them are made again
            self.scheduler.load_state_dict(state["scheduler"])
        if self.sparse_step is not None:
            self.sparse_step = SparseAdamStep(self.optimizer)
        adam = self.use_fast and self.config.optimizer in ("Adam", "AdamW") and self.fused
        if adam and self.optimizer.state:
            self.adam_step = AdamStep(self.optimizer)

    def steps(self, data: tuple, start: int, n: int, batch: int) -> list:
        """n steps on consecutive batches of `batch` ratings of data = (users, items, target)
        from index `start`; returns their losses (0-d tensors, or floats)."""
        if self.rows is not None:
            return self.rows.steps(data, start, n, batch)
        return [
            self(*(x[a : a + batch] for x in data)) for a in range(start, start + n * batch, batch)
        ]

    def __call__(self, users, items, target) -> torch.Tensor | float:
        """One step on a batch; returns the batch MSE (a 0-d tensor, or a float)."""
        if self.rows is not None:
            return self.rows.step(users, items, target)
        if self.sparse_step is not None:
            loss, rows = analytic_row_grads(self.model, users, items, target)
            self.sparse_step(rows)
            if self.scheduler is not None:
                with warnings.catch_warnings():  # it stepped, just not through .step()
                    warnings.filterwarnings("ignore", "Detected call of `lr_scheduler.step")
                    self.scheduler.step()
            return loss
        if self.use_fast:
            self.grad_buffer.zero_()
            loss = analytic_grads(self.model, users, items, target)
        else:
            self.optimizer.zero_grad(set_to_none=True)
            loss = torch.nn.functional.mse_loss(self.model(users, items), target)
            loss.backward()
            loss = loss.detach()
        if self.adam_step is not None:
            self.adam_step()
        else:
            self.optimizer.step()
            if self.use_fast and self.config.optimizer in ("Adam", "AdamW") and self.fused:
                self.adam_step = AdamStep(self.optimizer)  # the state exists from now on
        if self.scheduler is not None:
            self.scheduler.step()
        return loss
