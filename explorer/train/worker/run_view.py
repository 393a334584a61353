"""RunView: one consistent copy of a run's state, for drawing."""

from __future__ import annotations

from dataclasses import dataclass

from explorer.train.loop.events import EpochEvent, SnapshotEvent
from explorer.train.loop.frames import Replay


@dataclass(frozen=True)
class RunView:
    """A consistent copy of a run's state for drawing."""

    status: str  # ready, queued, running, stopped, finished, diverged, failed
    message: str
    steps: list[int]
    losses: list[float]
    smoothed: list[float]  # the losses' debiased moving average, as fastai's Recorder keeps
    epochs: list[EpochEvent]
    snapshot: SnapshotEvent | None
    planted: list[tuple[int, float]]  # (step, R^2 of the planted item factors)
    replay: Replay | None  # the run as frames on one basis, after a stop or the end
    global_step: int
    total_steps: int
    epoch: int
    lr: float
    ratings_per_s: float
    seconds_left: float | None
    train_seconds: float

    @property
    def progress(self) -> float:
        return self.global_step / max(1, self.total_steps)
