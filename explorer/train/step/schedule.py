"""The whole run's schedule as a table: the learning rate and Adam's beta1 at every step.

torch's `OneCycleLR` computes each step's rate in Python as the run goes. The row optimizer
(`row_adamw`) needs the rate of steps a row skipped, long after they passed, so it reads them
from this table, made once with the same formulas (tests/train/step/test_schedule.py checks it
against OneCycleLR step by step).
"""

from __future__ import annotations

import math

import numpy as np
import torch

BETA1, BETA2, EPS = 0.9, 0.99, 1e-5  # fastai's Adam betas and eps
BETAS = (0.95, 0.85)  # OneCycleLR's max and base momentum: beta1 cycles between them
DIV, FINAL_DIV = 25.0, 1e5  # one-cycle starts at lr / DIV and ends at lr / DIV / FINAL_DIV


def pct_start(total_steps: int) -> float:
    """The warm-up's share: a quarter, as fastai's, but at least 1.5 steps (OneCycleLR needs
    its warm-up to end after step 0 and before the last step)."""
    return max(0.25, 1.5 / total_steps)


def _anneal(start: float, end: float, pct: np.ndarray) -> np.ndarray:
    """OneCycleLR's cosine annealing from start to end, pct from 0 to 1."""
    return end + (start - end) / 2.0 * (np.cos(np.pi * pct) + 1)


def one_cycle(lr: float, total_steps: int, one_cycle: bool = True) -> tuple:
    """(rates, beta1s): float64 arrays, one of each per step, as `optimizers.make_scheduler`
    sets them."""
    if not one_cycle or total_steps < 2:
        return np.full(total_steps, float(lr)), np.full(total_steps, BETA1)
    first, last = lr / DIV, lr / DIV / FINAL_DIV
    end1, end2 = float(pct_start(total_steps) * total_steps) - 1, total_steps - 1
    step = np.arange(total_steps, dtype=np.float64)
    up = step <= end1
    pct = np.where(up, step / end1, (step - end1) / (end2 - end1))
    rates = np.where(up, _anneal(first, lr, pct), _anneal(lr, last, pct))
    betas = np.where(up, _anneal(BETAS[0], BETAS[1], pct), _anneal(BETAS[1], BETAS[0], pct))
    return rates, betas


def prefix_table(rates, betas, wds: tuple[float, ...]) -> torch.Tensor:
    """(total_steps + 1, len(wds) + 2) float64: row t holds, summed over the steps before t,
    log(1 - lr * wd) for each wd, log(beta1) and log(beta2).

    exp(row[t] - row[s]) is then what steps s .. t-1 multiplied a weight, its first and its
    second moment by, where the gradient was zero: AdamW's decoupled decay and Adam's moment
    decay of the steps a row skipped, applied in one multiplication when it is next used.
    """
    r = torch.as_tensor(rates, dtype=torch.float64)
    cols = [torch.log1p(-r * wd) for wd in wds]
    cols += [torch.log(torch.as_tensor(betas, dtype=torch.float64))]
    cols += [torch.full_like(r, math.log(BETA2))]
    steps = torch.stack(cols, dim=1)
    return torch.cat([torch.zeros(1, steps.shape[1], dtype=torch.float64), steps.cumsum(0)])


def bias2_table(total_steps: int) -> torch.Tensor:
    """(total_steps + 2,) float64: sqrt(1 - beta2 ** max(t, 1)), the square root of Adam's
    second-moment bias correction after t steps (t = 0 read as 1: its moment is still 0)."""
    t = torch.arange(total_steps + 2, dtype=torch.float64).clamp(min=1)
    return (1 - BETA2**t).sqrt()


def coast_table(rates, betas) -> torch.Tensor:
    """(total_steps + 1,) float64: F[s] = sum over j >= s of lr_j / (1 - beta1_j ** (j + 1))
    times the product of beta1_i for i = s .. j, and F[total_steps] = 0.

    A row last updated before step s, with moments m and v, is moved by AdamW at each later
    step j where its gradient is zero by its decaying momentum: lr_j m prod(beta1) / (bias
    correction * denominator). Summed over steps s .. t-1, with the denominator held at its
    value at s, that is m / denominator * (F[s] - prod(beta1 over s .. t-1) * F[t]).

    F[s] = beta1_s (a_s + F[s + 1]) is solved for every s at once, by composing the steps'
    maps x -> A + B x in log2(total_steps) rounds of whole-array operations (a scan), not a
    Python loop of millions of steps.
    """
    b = torch.as_tensor(betas, dtype=torch.float64)
    j = torch.arange(1, len(b) + 1, dtype=torch.float64)
    a = b * torch.as_tensor(rates, dtype=torch.float64) / (1 - b**j)  # F[s] = a[s] + b[s] F[s+1]
    d = 1
    while d < len(b):  # after this round, F[s] = a[s] + b[s] F[s + 2d]
        a = torch.cat([a[:-d] + b[:-d] * a[d:], a[-d:]])
        b = torch.cat([b[:-d] * b[d:], torch.zeros(d, dtype=torch.float64)])
        d *= 2
    return torch.cat([a, torch.zeros(1, dtype=torch.float64)])
