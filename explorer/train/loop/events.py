"""What the trainer yields: plain, frozen values that a page, a thread or a command line reads."""

from __future__ import annotations

from dataclasses import dataclass

import torch

from explorer.train.model.baselines import Metrics


@dataclass(frozen=True)
class BatchEvent:
    """Losses of the steps since the last report."""

    epoch: int
    steps: list[int]  # global step numbers, 1-based
    losses: list[float]
    lr: float  # learning rate at the last of these steps


@dataclass(frozen=True)
class EpochEvent:
    """End of one epoch: training loss and validation metrics."""

    epoch: int  # 1-based
    train_loss: float  # mean batch MSE over the epoch
    valid: Metrics
    seconds: float  # wall time of this epoch's training steps (evaluation excluded)
    ratings_per_s: float


@dataclass(frozen=True)
class SnapshotEvent:
    """CPU copies of the factors, cheap enough to draw live."""

    epoch: int
    step: int
    user_factors: torch.Tensor  # (n_users, n_factors)
    item_factors: torch.Tensor  # (n_items, n_factors)
    user_bias: torch.Tensor | None  # (n_users,)
    item_bias: torch.Tensor | None  # (n_items,)


@dataclass(frozen=True)
class EndEvent:
    """The run ended: 'finished', 'stopped' or 'diverged'."""

    status: str
    step: int
    message: str


Event = BatchEvent | EpochEvent | SnapshotEvent | EndEvent
