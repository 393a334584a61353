"""Closed-form gradients of the batch MSE for DotProduct and DotProductBias.

Autograd records a graph, allocates a dense gradient per table and frees it again on every
step; for these small models that bookkeeping costs more than the arithmetic. The model's
gradient has a short closed form, written here into `.grad` tensors allocated once.
tests/test_fast_step.py checks it against autograd.
"""

from __future__ import annotations

import torch
from torch.optim.adam import adam as functional_adam

from explorer.models import DotProduct


def analytic_grads(
    model: DotProduct, users: torch.Tensor, items: torch.Tensor, target: torch.Tensor
) -> torch.Tensor:
    """Add d(MSE)/d(weight) into each embedding's .grad (zeroed by the caller); return the MSE.

    users, items: (B,) long; target: (B,) float.
    """
    with torch.no_grad():
        uf = model.user_factors.weight  # (n_users, k)
        itf = model.item_factors.weight  # (n_items, k)
        eu, ei = uf[users], itf[items]  # (B, k) each
        z = (eu * ei).sum(dim=1)  # (B,)
        has_bias = hasattr(model, "user_bias")
        if has_bias:
            ub, ib = model.user_bias.weight, model.item_bias.weight  # (n, 1)
            z = z + ub[users, 0] + ib[items, 0]
        scale = 2.0 / len(target)  # d(mean of squares)/d(error)
        if model.y_range is None:
            err = z - target
            dz = err * scale  # (B,)
        else:
            low, high = model.y_range
            s = torch.sigmoid(z)
            err = s * (high - low) + low - target
            dz = err * s * (1 - s) * (scale * (high - low))  # chain rule through sigmoid_range
        dz2 = dz.unsqueeze(1)  # (B, 1)
        uf.grad.index_add_(0, users, dz2 * ei)  # repeated users accumulate
        itf.grad.index_add_(0, items, dz2 * eu)
        if has_bias:
            ub.grad.index_add_(0, users, dz2)
            ib.grad.index_add_(0, items, dz2)
        return (err * err).mean()


class AdamStep:
    """optimizer.step() for a fused torch Adam/AdamW, without the per-call wrapper overhead.

    torch.optim's step() wraps the fused kernel in hooks, profiler ranges and a per-parameter
    state walk: on a 130k-parameter model that wrapper costs more than the kernel. After the
    optimizer's own first step has made its state, this calls torch's functional `adam` with
    that same state and each group's current lr and betas (as a scheduler left them), so the
    update is the optimizer's own, bit for bit (tests/test_fast_step.py).
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
                *lists, fused=True, decoupled_weight_decay=self.decoupled, amsgrad=False,
                beta1=beta1, beta2=beta2, lr=g["lr"], weight_decay=g["weight_decay"],
                eps=g["eps"], maximize=False,
            )  # fmt: skip
