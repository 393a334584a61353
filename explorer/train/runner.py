"""TrainingRun: a run in a worker process (`worker.py`), read at any moment under a lock.

The worker owns the Trainer and sends its events; a listener thread here records them. The
page keeps the run's Plan (the split, the baselines, the sizes) and a CPU model that
receives the worker's weights whenever the run stops or ends: no trainer, no optimizer and
no device context in the server process. No streamlit in this module.
"""

from __future__ import annotations

import queue
import threading
import time
from dataclasses import dataclass

import torch

from explorer.data.ratings import Ratings, Split
from explorer.train.baselines import Metrics, metrics
from explorer.train.config import TrainConfig
from explorer.train.events import BatchEvent, EndEvent, EpochEvent, SnapshotEvent
from explorer.train.history import smooth
from explorer.train.plan import make_plan, new_model, predict
from explorer.train.worker import context, convert, work


@dataclass(frozen=True)
class RunView:
    """A consistent copy of a run's state for drawing."""

    status: str  # ready, running, stopped, finished, diverged, failed
    message: str
    steps: list[int]
    losses: list[float]
    smoothed: list[float]  # the losses' debiased moving average, as fastai's Recorder keeps
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
    """Train in a worker process with a stop flag; keep a lock-guarded history here.

    A script that makes a TrainingRun needs the `if __name__ == "__main__":` guard, as any
    multiprocessing code with a fork server does: the worker imports the script's main module.
    (Streamlit, pytest and `python -m` are fine as they are.)
    """

    def __init__(self, ratings: Ratings, config: TrainConfig, split: Split | None = None):
        self.plan = make_plan(ratings, config, split)  # raises ValueError on a bad config
        self.ratings = ratings
        self.config = config
        self.model = new_model(ratings, config)  # on the CPU; gets the worker's weights
        self.global_step = self.epoch = 0
        self._done = False  # finished or diverged: cannot start again
        self._lock = threading.Lock()
        self._ctx = context()
        self._stop = self._ctx.Event()
        self._events = self._ctx.Queue()
        self._commands = self._ctx.Queue()
        self._process = None
        self._listener: threading.Thread | None = None
        self._active = False  # between start() and the worker's end or stop event
        self._status, self._message = "ready", "Ready: press Train."
        self._steps: list[int] = []
        self._losses: list[float] = []
        self._smoothed: list[float] = []  # kept as losses arrive, not redone at each redraw
        self._epochs: list[EpochEvent] = []
        self._snapshot: SnapshotEvent | None = None
        self._planted: list[tuple[int, float]] = []
        self._lr = config.lr
        self._train_seconds = 0.0
        self._rate = 0.0
        self._segment_start = 0.0
        self._segment_step = 0

    @property
    def running(self) -> bool:
        return self._active

    def start(self) -> bool:
        """Start, or resume after a stop; False if already running or done."""
        if self._active or self._done or self._status == "failed":
            return False
        self._stop.clear()
        with self._lock:
            self._status, self._message = "running", "Training..."
            self._segment_start, self._segment_step = time.perf_counter(), self.global_step
        self._active = True
        if self._process is None:
            self._process = self._ctx.Process(
                target=work,
                daemon=True,
                name="training-run",
                args=(self.ratings, self.plan, self._events, self._commands, self._stop),
            )
            self._process.start()
            self._listener = threading.Thread(target=self._listen, daemon=True)
            self._listener.start()
        else:
            self._commands.put("resume")
        return True

    def stop(self) -> None:
        """Ask the worker to stop after its current step."""
        self._stop.set()

    def close(self) -> None:
        """Stop and end the worker (Reset, new data): nothing is left running."""
        self._stop.set()
        if self._process is not None and self._process.is_alive():
            self._commands.put("quit")
            self._process.join(2)
            if self._process.is_alive():
                self._process.terminate()
        self._active = False

    def join(self, timeout: float | None = None) -> None:
        """Wait until the run is not active (stopped, finished, diverged or failed)."""
        end = None if timeout is None else time.monotonic() + timeout
        while self._active and (end is None or time.monotonic() < end):
            time.sleep(0.005)

    def _listen(self) -> None:
        while True:
            try:
                msg = self._events.get(timeout=0.5)
            except queue.Empty:
                if self._process is not None and not self._process.is_alive():
                    if self._active:
                        self._fail("the training process ended unexpectedly")
                    return
                continue
            for item in msg[1] if msg[0] == "batch" else [msg]:
                self._handle(item)

    def _handle(self, msg: tuple) -> None:
        kind = msg[0]
        if kind == "event":
            self._record(msg[1])
        elif kind == "snapshot":
            self._record(convert(msg[1], torch.from_numpy), msg[2])
        elif kind == "state":
            state = {k: torch.from_numpy(v) for k, v in msg[1].items()}
            self.model.load_state_dict(state)
            self.global_step, self.epoch = msg[2], msg[3]
        elif kind == "failed":
            print(msg[2])
            self._fail(msg[1])

    def _fail(self, reason: str) -> None:
        with self._lock:
            self._status, self._message = "failed", f"Training failed: {reason}"
            self._train_seconds += time.perf_counter() - self._segment_start
        self._active = False

    def _record(self, event, planted: float | None = None) -> None:
        with self._lock:
            if isinstance(event, BatchEvent):
                self._steps.extend(event.steps)
                self._losses.extend(event.losses)
                last = self._smoothed[-1] if self._smoothed else 0.0
                self._smoothed.extend(smooth(event.losses, last=last, count=len(self._smoothed)))
                self._lr = event.lr
                self.global_step = event.steps[-1]
                done = event.steps[-1] - self._segment_step
                elapsed = time.perf_counter() - self._segment_start
                self._rate = done * self.config.batch_size / max(elapsed, 1e-9)
            elif isinstance(event, EpochEvent):
                self._epochs.append(event)
                self.epoch = event.epoch
            elif isinstance(event, SnapshotEvent):
                self._snapshot = event
                if planted is not None:
                    self._planted.append((event.step, planted))
            elif isinstance(event, EndEvent):
                self._status, self._message = event.status, event.message
                self._done = event.status in ("finished", "diverged")
                self._train_seconds += time.perf_counter() - self._segment_start
        if isinstance(event, EndEvent):
            self._active = False

    def view(self) -> RunView:
        """Copy the state under the lock."""
        total = self.plan.total_steps
        with self._lock:
            left = None
            if self._rate > 0 and self._status == "running":
                left = (total - self.global_step) * self.config.batch_size / self._rate
            return RunView(
                status=self._status,
                message=self._message,
                steps=list(self._steps),
                losses=list(self._losses),
                smoothed=list(self._smoothed),
                epochs=list(self._epochs),
                snapshot=self._snapshot,
                planted=list(self._planted),
                global_step=self.global_step,
                total_steps=total,
                epoch=self.epoch,
                lr=self._lr,
                ratings_per_s=self._rate,
                seconds_left=left,
                train_seconds=self._train_seconds,
            )

    def valid_rows(self) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """The validation users, items and ratings: (n_valid,) each, on the CPU."""
        v, r = self.plan.split.valid, self.ratings
        return r.users[v], r.items[v], r.ratings[v]

    def predict_valid(self) -> torch.Tensor:
        """The model's predictions of the validation ratings: (n_valid,)."""
        users, items, _ = self.valid_rows()
        return predict(self.model, users, items)

    def evaluate(self) -> Metrics:
        """Validation metrics of the model as the worker last sent it."""
        return metrics(self.predict_valid(), self.valid_rows()[2])
