"""How much of a synthetic set's planted structure a model's factors have recovered."""

from __future__ import annotations

import torch


def planted_match(learned: torch.Tensor, planted: torch.Tensor) -> float:
    """Share of the planted factors' variance a linear map of the learned factors explains.

    learned: (n, k1), planted: (n, k2). 1.0: the model found the planted structure (up to a
    rotation and scale, which the data cannot pin down); 0.0: nothing of it.
    """
    a = torch.cat([learned.double(), torch.ones(len(learned), 1, dtype=torch.float64)], dim=1)
    b = planted.double()
    coef = torch.linalg.lstsq(a, b).solution
    resid = b - a @ coef
    total = ((b - b.mean(dim=0)) ** 2).sum()
    return float(1 - (resid**2).sum() / total)
