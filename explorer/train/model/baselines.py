"""Baselines every run is measured against: the global mean, and user + item biases only."""

from __future__ import annotations

from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class Metrics:
    """Errors of predictions against true ratings."""

    mse: float
    rmse: float
    mae: float


def metrics(pred: torch.Tensor, target: torch.Tensor) -> Metrics:
    """MSE, RMSE and MAE of (N,) predictions."""
    err = (pred.double() - target.double()).cpu()
    mse = float((err * err).mean())
    return Metrics(mse=mse, rmse=mse**0.5, mae=float(err.abs().mean()))


@dataclass(frozen=True)
class Baselines:
    """Validation metrics of two models that need no factors."""

    global_mean: Metrics
    biases: Metrics


def fit_biases(
    users: torch.Tensor,
    items: torch.Tensor,
    ratings: torch.Tensor,
    n_users: int,
    n_items: int,
    reg: float = 10.0,
    iters: int = 10,
) -> tuple[float, torch.Tensor, torch.Tensor]:
    """Regularised user and item biases by alternating least squares (as Surprise's baseline).

    Returns (mean, user_bias (n_users,), item_bias (n_items,)).
    """
    r = ratings.double()
    mu = float(r.mean())
    bu = torch.zeros(n_users, dtype=torch.float64, device=r.device)
    bi = torch.zeros(n_items, dtype=torch.float64, device=r.device)
    n_u = torch.zeros_like(bu).index_add_(0, users, torch.ones_like(r))
    n_i = torch.zeros_like(bi).index_add_(0, items, torch.ones_like(r))
    for _ in range(iters):
        bi = torch.zeros_like(bi).index_add_(0, items, r - mu - bu[users]) / (n_i + reg)
        bu = torch.zeros_like(bu).index_add_(0, users, r - mu - bi[items]) / (n_u + reg)
    return mu, bu, bi


def baselines(
    users: torch.Tensor,
    items: torch.Tensor,
    ratings: torch.Tensor,
    train: torch.Tensor,
    valid: torch.Tensor,
    n_users: int,
    n_items: int,
) -> Baselines:
    """Fit both baselines on the training rows, score them on the validation rows."""
    mu, bu, bi = fit_biases(users[train], items[train], ratings[train], n_users, n_items)
    vu, vi, vr = users[valid], items[valid], ratings[valid]
    return Baselines(
        global_mean=metrics(torch.full_like(vr, mu), vr),
        biases=metrics(mu + bu[vu] + bi[vi], vr),
    )
