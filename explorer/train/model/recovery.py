"""How much of a synthetic set's planted structure a model's factors have recovered.

Held out, so that it is honest: a linear map from the learned to the planted item factors is
fitted on half of the items and scored on the other half. Fitted and scored on the same items,
n_factors + 1 regressors explain almost anything about a few items, even random factors at
initialisation (R^2 1.00 on 50 items of 50 factors).
"""

from __future__ import annotations

import torch


def _halves(n: int) -> tuple[torch.Tensor, torch.Tensor]:
    """A fixed, seeded split of n items into a fitting half and a scoring half."""
    perm = torch.randperm(n, generator=torch.Generator().manual_seed(12345))
    return perm[: n // 2], perm[n // 2 :]


def planted_match(learned: torch.Tensor, planted: torch.Tensor) -> float:
    """Held-out share of the planted factors' variance that a linear map of the learned
    factors explains, clamped to [0, 1].

    learned: (n, k1), planted: (n, k2). 1.0: the model found the planted structure (up to a
    rotation and scale, which the data cannot pin down); 0.0: nothing of it.
    """
    return planted_matches(learned.unsqueeze(0), planted)[0]


def planted_matches(learned: torch.Tensor, planted: torch.Tensor) -> list[float]:
    """planted_match of each of a stack of frames (f, n, k1), in one batched fit."""
    fit, score = _halves(learned.shape[1])
    ones = torch.ones(*learned.shape[:2], 1, dtype=torch.float64)
    a = torch.cat([learned.double(), ones], dim=2)  # (f, n, k1 + 1)
    b = planted.double().expand(len(learned), -1, -1)  # (f, n, k2)
    coef = torch.linalg.lstsq(a[:, fit], b[:, fit], driver="gelsy").solution  # least norm, too
    resid = b[:, score] - a[:, score] @ coef
    total = ((b[0, score] - b[0, score].mean(dim=0)) ** 2).sum()
    r2 = 1 - (resid**2).sum(dim=(1, 2)) / total
    return r2.clamp(0.0, 1.0).tolist()
