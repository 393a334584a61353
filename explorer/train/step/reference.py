"""The optimizer and the schedule a TrainConfig asks for, in fastai's settings where torch has
them.

fastai's Adam(W) uses betas (0.9, 0.99) and eps 1e-5; so do these. The schedule is torch's
`OneCycleLR` shaped like fastai's `fit_one_cycle`: it warms up for a quarter of the steps
from lr/25 to lr, cycling the momentum, then anneals. One difference: torch's final rate is
the start's divided by `final_div_factor`, lr/(25 * 1e5), where fastai's is lr/1e5, 25 times
higher. The defaults were tuned with torch's (bench/tune.py); the last steps at either rate
change the weights by next to nothing.
"""

from __future__ import annotations

import torch

from explorer.train.step.schedule import BETA1, BETA2, BETAS, DIV, EPS, FINAL_DIV, pct_start


def param_groups(config, model) -> list[dict]:
    """Factor tables with wd; bias tables with bias_wd (tuned: biases fit best undecayed)."""
    factors = [model.user_factors.weight, model.item_factors.weight]
    if not hasattr(model, "user_bias") or config.bias_wd is None or config.bias_wd == config.wd:
        return [{"params": list(model.parameters())}]  # CollabNN: its layers too
    biases = [model.user_bias.weight, model.item_bias.weight]
    return [{"params": factors}, {"params": biases, "weight_decay": config.bias_wd}]


def make_optimizer(config, params: list[dict], device: torch.device) -> torch.optim.Optimizer:
    """torch's own optimizer for `config.optimizer`, fused (one kernel) where torch has one."""
    fused = device.type in ("cpu", "cuda")
    if config.optimizer == "AdamW":
        return torch.optim.AdamW(
            params, lr=config.lr, betas=(BETA1, BETA2), eps=EPS, weight_decay=config.wd, fused=fused
        )
    if config.optimizer == "Adam":
        return torch.optim.Adam(
            params, lr=config.lr, betas=(BETA1, BETA2), eps=EPS, weight_decay=config.wd, fused=fused
        )
    if config.optimizer == "SGD":
        return torch.optim.SGD(params, lr=config.lr, momentum=0.9, weight_decay=config.wd)
    return torch.optim.SparseAdam(params, lr=config.lr, betas=(BETA1, BETA2), eps=EPS)


def make_scheduler(
    config, optimizer: torch.optim.Optimizer, total_steps: int
) -> torch.optim.lr_scheduler.LRScheduler | None:
    """fastai's one-cycle for `schedule="one_cycle"`; None for a constant rate.

    Any number of steps works: torch's OneCycleLR needs its warm-up to end after step 0 and
    before the last step (0 < pct_start * total_steps - 1 < total_steps - 1), so a short run
    warms up over a larger share (1.5 steps at least), and a run of one step has no cycle to
    make: it takes that step at the peak rate."""
    if config.schedule != "one_cycle" or total_steps < 2:
        return None
    return torch.optim.lr_scheduler.OneCycleLR(
        optimizer,
        max_lr=config.lr,
        total_steps=total_steps,
        pct_start=pct_start(total_steps),
        div_factor=DIV,
        final_div_factor=FINAL_DIV,
        max_momentum=BETAS[0],
        base_momentum=BETAS[1],
        cycle_momentum=config.optimizer != "SGD",
    )
