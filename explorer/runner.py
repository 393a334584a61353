"""TrainingRun: a Trainer driven from a background thread, read at any moment under a lock.

The page keeps one TrainingRun per browser session (in st.session_state) and reads
`view()` from a fragment that reruns twice a second; no streamlit here.
"""

from __future__ import annotations

import threading
import time
import traceback
from dataclasses import dataclass

from explorer.analysis import planted_match
from explorer.datasets import Ratings, Split
from explorer.training import (
    BatchEvent,
    EndEvent,
    EpochEvent,
    SnapshotEvent,
    TrainConfig,
    Trainer,
)


@dataclass(frozen=True)
class RunView:
    """A consistent copy of a run's state for drawing."""

    status: str  # ready, running, stopped, finished, diverged, failed
    message: str
    steps: list[int]
    losses: list[float]
    epochs: list[EpochEvent]
    snapshot: SnapshotEvent | None
    planted: list[tuple[int, float]]  # (step, R^2 of the planted item factors)
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


class TrainingRun:
    """Run a Trainer in a thread with a stop flag and a lock-guarded history."""

    def __init__(self, ratings: Ratings, config: TrainConfig, split: Split | None = None):
        self.trainer = Trainer(ratings, config, split)  # raises ValueError on a bad config
        self.ratings = ratings
        self.config = config
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._status = "ready"
        self._message = "Ready: press Train."
        self._steps: list[int] = []
        self._losses: list[float] = []
        self._epochs: list[EpochEvent] = []
        self._snapshot: SnapshotEvent | None = None
        self._planted: list[tuple[int, float]] = []
        self._lr = config.lr
        self._train_seconds = 0.0
        self._rate = 0.0

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> bool:
        """Start, or resume after a stop; False if already running or done."""
        if self.running or self.trainer.done:
            return False
        self._stop.clear()
        with self._lock:
            self._status, self._message = "running", "Training..."
        self._thread = threading.Thread(target=self._loop, name="training-run", daemon=True)
        self._thread.start()
        return True

    def stop(self) -> None:
        """Ask the thread to stop after the current step."""
        self._stop.set()

    def join(self, timeout: float | None = None) -> None:
        if self._thread is not None:
            self._thread.join(timeout)

    def _loop(self) -> None:
        started = time.perf_counter()
        step_at_start = self.trainer.global_step
        try:
            for event in self.trainer.run(self._stop):
                self._record(event, started, step_at_start)
        except Exception as err:  # a run must never take the page down: report it instead
            traceback.print_exc()
            with self._lock:
                self._status = "failed"
                self._message = f"Training failed: {type(err).__name__}: {err}"
        finally:
            with self._lock:
                self._train_seconds += time.perf_counter() - started

    def _record(self, event, started: float, step_at_start: int) -> None:
        planted = None
        if isinstance(event, SnapshotEvent) and self.ratings.planted is not None:
            planted = planted_match(event.item_factors, self.ratings.planted.item_factors)
        with self._lock:
            if isinstance(event, BatchEvent):
                self._steps.extend(event.steps)
                self._losses.extend(event.losses)
                self._lr = event.lr
                done = self.trainer.global_step - step_at_start
                elapsed = time.perf_counter() - started
                self._rate = done * self.config.batch_size / max(elapsed, 1e-9)
            elif isinstance(event, EpochEvent):
                self._epochs.append(event)
            elif isinstance(event, SnapshotEvent):
                self._snapshot = event
                if planted is not None:
                    self._planted.append((event.step, planted))
            elif isinstance(event, EndEvent):
                self._status, self._message = event.status, event.message

    def view(self) -> RunView:
        """Copy the state under the lock."""
        t = self.trainer
        with self._lock:
            left = None
            if self._rate > 0 and self._status == "running":
                left = (t.total_steps - t.global_step) * self.config.batch_size / self._rate
            return RunView(
                status=self._status,
                message=self._message,
                steps=list(self._steps),
                losses=list(self._losses),
                epochs=list(self._epochs),
                snapshot=self._snapshot,
                planted=list(self._planted),
                global_step=t.global_step,
                total_steps=t.total_steps,
                epoch=t.epoch,
                lr=self._lr,
                ratings_per_s=self._rate,
                seconds_left=left,
                train_seconds=self._train_seconds,
            )
