"""Closed-form gradients of the batch MSE for DotProduct and DotProductBias.

Autograd records a graph, allocates a dense gradient per table and frees it again on every
step; for these small models that bookkeeping costs more than the arithmetic. The model's
gradient has a short closed form, written here into `.grad` tensors allocated once.
tests/train/step/test_fast_step.py checks it against autograd.
"""

from __future__ import annotations

import math

import torch
from torch.optim.adam import adam as functional_adam

from explorer.train.model.models import DotProduct


def _forward_dz(model: DotProduct, users, items, target):
    """The batch's factor rows, d(MSE)/d(score) per rating (B, 1), and the errors (B,)."""
    with torch.no_grad():
        uf = model.user_factors.weight  # (n_users, k)
        itf = model.item_factors.weight  # (n_items, k)
        eu, ei = uf.index_select(0, users), itf.index_select(0, items)  # (B, k) each
        z = torch.linalg.vecdot(eu, ei)  # (B,): one kernel for the row-wise dot products
        if hasattr(model, "user_bias"):  # (n, 1) tables, read as flat vectors
            z += model.user_bias.weight.view(-1).index_select(0, users)
            z += model.item_bias.weight.view(-1).index_select(0, items)
        dz, err = score_grad(z, target, model.y_range)
        return eu, ei, dz, err


def score_grad(z: torch.Tensor, target: torch.Tensor, y_range) -> tuple:
    """From the batch's raw scores z (B,), overwritten: d(MSE)/d(score) (B, 1), the errors (B,)."""
    scale = 2.0 / len(target)  # d(mean of squares)/d(error)
    if y_range is None:
        err = z.sub_(target)
        return (err * scale).unsqueeze(1), err
    low, high = y_range
    s = torch.sigmoid(z)
    err = (s * (high - low)).sub_(target).add_(low)
    # chain rule through sigmoid_range: s (1 - s) (high - low)
    return (s - s * s).mul_(err).mul_(scale * (high - low)).unsqueeze(1), err


def analytic_grads(
    model: DotProduct, users: torch.Tensor, items: torch.Tensor, target: torch.Tensor
) -> torch.Tensor:
    """Add d(MSE)/d(weight) into each embedding's .grad (zeroed by the caller); return the MSE.

    users, items: (B,) long; target: (B,) float.
    """
    eu, ei, dz2, err = _forward_dz(model, users, items, target)  # dz2: (B, 1)
    with torch.no_grad():
        model.user_factors.weight.grad.index_add_(0, users, dz2 * ei)  # repeats accumulate
        model.item_factors.weight.grad.index_add_(0, items, dz2 * eu)
        if hasattr(model, "user_bias"):
            model.user_bias.weight.grad.index_add_(0, users, dz2)
            model.item_bias.weight.grad.index_add_(0, items, dz2)
    return (err * err).mean()


def analytic_row_grads(
    model: DotProduct, users: torch.Tensor, items: torch.Tensor, target: torch.Tensor
) -> tuple[torch.Tensor, list[tuple[torch.Tensor, torch.Tensor]]]:
    """The MSE and, per embedding table, (rows touched, their gradient rows): no dense grads.

    The work is proportional to the batch, not to the tables, as for a sparse gradient.
    """
    eu, ei, dz2, err = _forward_dz(model, users, items, target)
    out = []
    with torch.no_grad():
        u_rows, u_inv = torch.unique(users, return_inverse=True)
        i_rows, i_inv = torch.unique(items, return_inverse=True)
        k = eu.shape[1]
        gu = torch.zeros(len(u_rows), k, dtype=eu.dtype, device=eu.device)
        gi = torch.zeros(len(i_rows), k, dtype=eu.dtype, device=eu.device)
        out.append((u_rows, gu.index_add_(0, u_inv, dz2 * ei)))
        out.append((i_rows, gi.index_add_(0, i_inv, dz2 * eu)))
        if hasattr(model, "user_bias"):
            zb = torch.zeros(len(u_rows), 1, dtype=eu.dtype, device=eu.device)
            out.append((u_rows, zb.index_add_(0, u_inv, dz2)))
            zb = torch.zeros(len(i_rows), 1, dtype=eu.dtype, device=eu.device)
            out.append((i_rows, zb.index_add_(0, i_inv, dz2)))
    return (err * err).mean(), out


class SparseAdamStep:
    """torch.optim.SparseAdam's update, fed row gradients directly instead of sparse tensors.

    Only the rows a batch touched change (a "lazy" Adam), so a step costs the same on a table
    of 10 million rows as on one of a thousand. Same formulas and the optimizer's own state as
    torch's SparseAdam (tests/train/step/test_fast_step.py compares them).
    """

    def __init__(self, optimizer: torch.optim.SparseAdam):
        if len(optimizer.param_groups) != 1:
            raise ValueError("SparseAdamStep needs one param group.")
        self.optimizer = optimizer
        self.group = optimizer.param_groups[0]
        for p in self.group["params"]:
            state = optimizer.state[p]
            if not state:  # as SparseAdam makes it on its first step
                state["step"] = 0
                state["exp_avg"] = torch.zeros_like(p, memory_format=torch.preserve_format)
                state["exp_avg_sq"] = torch.zeros_like(p, memory_format=torch.preserve_format)

    def __call__(self, row_grads: list[tuple[torch.Tensor, torch.Tensor]]) -> None:
        g = self.group
        beta1, beta2 = g["betas"]
        with torch.no_grad():
            for p, (rows, grad) in zip(g["params"], row_grads, strict=True):
                state = self.optimizer.state[p]
                state["step"] += 1
                old_m, old_v = state["exp_avg"][rows], state["exp_avg_sq"][rows]
                m = (grad - old_m).mul_(1 - beta1).add_(old_m)
                v = (grad.pow(2) - old_v).mul_(1 - beta2).add_(old_v)
                state["exp_avg"][rows] = m
                state["exp_avg_sq"][rows] = v
                bias1 = 1 - beta1 ** state["step"]
                bias2 = 1 - beta2 ** state["step"]
                step_size = g["lr"] * math.sqrt(bias2) / bias1
                p.index_add_(0, rows, m.div_(v.sqrt_().add_(g["eps"])), alpha=-step_size)


class AdamStep:
    """optimizer.step() for a fused torch Adam/AdamW, without the per-call wrapper overhead.

    torch.optim's step() wraps the fused kernel in hooks, profiler ranges and a per-parameter
    state walk: on a 130k-parameter model that wrapper costs more than the kernel. After the
    optimizer's own first step has made its state, this calls torch's functional `adam` with
    that same state and each group's current lr and betas (as a scheduler left them), so the
    update is the optimizer's own, bit for bit (tests/train/step/test_fast_step.py).
    """

    def __init__(self, optimizer: torch.optim.Adam):
        self.decoupled = isinstance(optimizer, torch.optim.AdamW)
        self.groups = []
        for group in optimizer.param_groups:
            if not group.get("fused") or group["amsgrad"] or group["maximize"]:
                raise ValueError("AdamStep needs a fused Adam or AdamW without amsgrad.")
            params = group["params"]
            state = [optimizer.state[p] for p in params]
            lists = (
                params,
                [p.grad for p in params],
                [s["exp_avg"] for s in state],
                [s["exp_avg_sq"] for s in state],
                [],
                [s["step"] for s in state],
            )
            self.groups.append((group, lists))

    def __call__(self) -> None:
        for g, lists in self.groups:
            beta1, beta2 = g["betas"]
            functional_adam(
                *lists,
                fused=True,
                decoupled_weight_decay=self.decoupled,
                amsgrad=False,
                beta1=beta1,
                beta2=beta2,
                lr=g["lr"],
                weight_decay=g["weight_decay"],
                eps=g["eps"],
                maximize=False,
            )
