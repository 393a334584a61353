"""The whole run's schedule as a table: the learning rate and Adam's beta1 at every step.

torch's `OneCycleLR` computes each step's rate in Python as the run goes. The row optimizer
(`row_adamw`) needs the rate of steps a row skipped, long after they passed, so it reads them
from this table, made once with the same formulas (tests/train/test_schedule.py checks it
against OneCycleLR step by step).
"""

from __future__ import annotations

import math

import torch

BETA2 = 0.99  # fastai's betas (0.9, 0.99) and eps
EPS = 1e-5
BETAS = (0.95, 0.85)  # OneCycleLR's max and base momentum: beta1 cycles between them


def _anneal(start: float, end: float, pct: float) -> float:
    """OneCycleLR's cosine annealing from start to end, pct from 0 to 1."""
    return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)


def one_cycle(lr: float, total_steps: int, one_cycle: bool = True) -> tuple[list, list]:
    """(rates, beta1s), one of each per step, as `optimizers.make_scheduler` sets them."""
    if not one_cycle or total_steps < 2:
        return [lr] * total_steps, [0.9] * total_steps
    pct_start = max(0.25, 1.5 / total_steps)
    first, last = lr / 25.0, lr / 25.0 / 1e5
    end1, end2 = float(pct_start * total_steps) - 1, total_steps - 1
    rates, betas = [], []
    for step in range(total_steps):
        if step <= end1:
            pct = step / end1
            rates.append(_anneal(first, lr, pct))
            betas.append(_anneal(BETAS[0], BETAS[1], pct))
        else:
            pct = (step - end1) / (end2 - end1)
            rates.append(_anneal(lr, last, pct))
            betas.append(_anneal(BETAS[1], BETAS[0], pct))
    return rates, betas


def prefix_table(rates: list, betas: list, wds: tuple[float, ...]) -> torch.Tensor:
    """(total_steps + 1, len(wds) + 2) float64: row t holds, summed over the steps before t,
    log(1 - lr * wd) for each wd, log(beta1) and log(beta2).

    exp(row[t] - row[s]) is then what steps s .. t-1 multiplied a weight, its first and its
    second moment by, where the gradient was zero: AdamW's decoupled decay and Adam's moment
    decay of the steps a row skipped, applied in one multiplication when it is next used.
    """
    r = torch.tensor(rates, dtype=torch.float64)
    cols = [torch.log1p(-r * wd) for wd in wds]
    cols += [torch.log(torch.tensor(betas, dtype=torch.float64))]
    cols += [torch.full_like(r, math.log(BETA2))]
    steps = torch.stack(cols, dim=1)
    return torch.cat([torch.zeros(1, steps.shape[1], dtype=torch.float64), steps.cumsum(0)])


def bias2_table(total_steps: int) -> torch.Tensor:
    """(total_steps + 2,) float64: sqrt(1 - beta2 ** max(t, 1)), the square root of Adam's
    second-moment bias correction after t steps (t = 0 read as 1: its moment is still 0)."""
    t = torch.arange(total_steps + 2, dtype=torch.float64).clamp(min=1)
    return (1 - BETA2**t).sqrt()


def coast_table(rates: list, betas: list) -> torch.Tensor:
    """(total_steps + 1,) float64: F[s] = sum over j >= s of lr_j / (1 - beta1_j ** (j + 1))
    times the product of beta1_i for i = s .. j, and F[total_steps] = 0.

    A row last updated before step s, with moments m and v, is moved by AdamW at each later
    step j where its gradient is zero by its decaying momentum: lr_j m prod(beta1) / (bias
    correction * denominator). Summed over steps s .. t-1, with the denominator held at its
    value at s, that is m / denominator * (F[s] - prod(beta1 over s .. t-1) * F[t]).
    """
    out = [0.0] * (len(rates) + 1)
    for j in range(len(rates) - 1, -1, -1):
        b = betas[j]
        out[j] = b * (rates[j] / (1 - b ** (j + 1)) + out[j + 1])
    return torch.tensor(out, dtype=torch.float64)
