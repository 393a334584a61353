"""What a run has done so far, as its events arrive: status, losses, epochs, snapshots, speed.

The runner's listener thread records; the page reads a RunView copy. Both under the run's
lock, which the caller holds.
"""

from __future__ import annotations

import time

from explorer.train.loop.events import BatchEvent, EndEvent, EpochEvent, SnapshotEvent
from explorer.train.loop.frames import Replay
from explorer.train.loop.history import LossHistory
from explorer.train.worker.run_view import RunView


class RunRecord:
    """The recorded state of one run."""

    def __init__(self, lr: float, batch_size: int, total_steps: int):
        self.batch_size, self.total_steps = batch_size, total_steps
        self.status, self.message = "ready", "Ready: press Train."
        self.history = LossHistory()
        self.epochs: list[EpochEvent] = []
        self.snapshot: SnapshotEvent | None = None
        self.planted: list[tuple[int, float]] = []  # (step, R^2 of the planted item factors)
        self.replay: Replay | None = None  # the frames so far, sent at each stop and the end
        self.lr = lr
        self.global_step = self.epoch = 0
        self.train_seconds = self.rate = self.segment_start = 0.0
        self.segment_step = 0

    def begin_training(self) -> None:
        self.status, self.message = "running", "Training..."
        self.segment_start, self.segment_step = time.perf_counter(), self.global_step

    def end_training(self, status: str, message: str) -> None:
        if self.status == "running":
            self.train_seconds += time.perf_counter() - self.segment_start
        self.status, self.message = status, message

    def record(self, event, planted: float | None = None) -> None:
        """One event from the worker."""
        if isinstance(event, BatchEvent):
            self.history.extend(event.steps, event.losses)
            self.lr = event.lr
            self.global_step = event.steps[-1]
            done = event.steps[-1] - self.segment_step
            elapsed = time.perf_counter() - self.segment_start
            self.rate = done * self.batch_size / max(elapsed, 1e-9)
        elif isinstance(event, EpochEvent):
            self.epochs.append(event)
            self.epoch = event.epoch
        elif isinstance(event, SnapshotEvent):
            self.snapshot = event
            if planted is not None:
                self.planted.append((event.step, planted))
        elif isinstance(event, EndEvent):
            self.end_training(event.status, event.message)

    def view(self) -> RunView:
        """A copy for drawing (bounded: the history is thinned as it grows)."""
        left = None
        if self.rate > 0 and self.status == "running":
            left = (self.total_steps - self.global_step) * self.batch_size / self.rate
        h = self.history
        return RunView(
            status=self.status,
            message=self.message,
            steps=list(h.steps),
            losses=list(h.losses),
            smoothed=list(h.smoothed),
            epochs=list(self.epochs),
            snapshot=self.snapshot,
            planted=list(self.planted),
            replay=self.replay,
            global_step=self.global_step,
            total_steps=self.total_steps,
            epoch=self.epoch,
            lr=self.lr,
            ratings_per_s=self.rate,
            seconds_left=left,
            train_seconds=self.train_seconds,
        )
