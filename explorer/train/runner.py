"""TrainingRun: a Trainer in a worker process, read at any moment under a lock.

Why a process and not a thread: the trainer is a Python loop of small torch calls, each of
which releases the GIL. In a thread beside the Streamlit server, every redraw of the page
takes the GIL from it for milliseconds at a time, and training ran 4-10 times slower while
the page was drawing (measured; bench/live_overhead.py). In its own process it has a core of
its own, and the page's drawing costs it next to nothing.

The worker owns the Trainer and sends its events; a listener thread here records them. The
parent keeps a mirror Trainer (same config, same split, same baselines) whose model receives
the worker's weights whenever the run stops or ends, so the page reads the model from here.
No streamlit in this module.
"""

from __future__ import annotations

import multiprocessing as mp
import queue
import threading
import time
import traceback
from dataclasses import dataclass, replace

import torch

from explorer.data.ratings import Ratings, Split
from explorer.train.config import TrainConfig
from explorer.train.events import BatchEvent, EndEvent, EpochEvent, SnapshotEvent
from explorer.train.history import smooth
from explorer.train.recovery import planted_match
from explorer.train.trainer import Trainer

SNAPSHOT_MIN_S = 0.2  # the worker forwards at most five factor snapshots a second
SEND_EVERY_S = 0.1  # the worker batches its events into one message this often
IDLE_LIMIT_S = 3600  # a stopped worker waits this long for Resume, then ends
_CONTEXT = "forkserver"  # children fork from a clean, thread-free server: fast and safe


def _context():
    ctx = mp.get_context(_CONTEXT)
    # torch._dynamo: the first optimizer made in a process imports it (1.6 s here), so the
    # server imports it once and every worker forked from it starts without that wait
    ctx.set_forkserver_preload(["torch", "torch._dynamo", "explorer.train.runner"])
    return ctx


def warm_up() -> None:
    """Start the fork server now (it imports torch once), so the first Train is quick."""
    ctx = _context()
    p = ctx.Process(target=_noop, daemon=True)
    p.start()
    p.join()


def _noop() -> None:
    pass


_SNAPSHOT_TENSORS = ("user_factors", "item_factors", "user_bias", "item_bias")


def _convert(snapshot: SnapshotEvent, fn) -> SnapshotEvent:
    """Snapshots cross the pipe as numpy arrays: torch would put tensors in shared memory,
    one file handle per snapshot, five times a second; plain bytes are simpler."""
    values = {k: getattr(snapshot, k) for k in _SNAPSHOT_TENSORS}
    return replace(snapshot, **{k: None if v is None else fn(v) for k, v in values.items()})


def _state(trainer: Trainer) -> dict:
    return {k: v.detach().cpu().numpy().copy() for k, v in trainer.model.state_dict().items()}


def _worker(ratings: Ratings, config: TrainConfig, split: Split, events, commands, stop) -> None:
    """Runs in the child: train, forward events, wait for resume or quit after a stop."""
    try:
        trainer = Trainer(ratings, config, split)
        while True:
            last_snap = last_send = 0.0
            pending: list[tuple] = []
            for event in trainer.run(stop):
                now = time.perf_counter()
                if isinstance(event, SnapshotEvent):
                    if trainer.status == "running" and now - last_snap < SNAPSHOT_MIN_S:
                        continue  # the last snapshot, at a stop or the end, always goes
                    last_snap = now
                    planted = None
                    if ratings.planted is not None:  # scored here, on the worker's own core
                        planted = planted_match(event.item_factors, ratings.planted.item_factors)
                    pending.append(("snapshot", _convert(event, torch.Tensor.numpy), planted))
                else:
                    if isinstance(event, EndEvent):
                        pending.append(
                            ("state", _state(trainer), trainer.global_step, trainer.epoch)
                        )
                    pending.append(("event", event))
                # one message per SEND_EVERY_S: pickling and the queue's feeder thread take
                # the worker's GIL, so fewer, larger messages leave more of it to training
                if now - last_send >= SEND_EVERY_S or isinstance(event, (EpochEvent, EndEvent)):
                    events.put(("batch", pending))
                    pending, last_send = [], now
            if pending:
                events.put(("batch", pending))
            if trainer.done:
                return
            try:
                if commands.get(timeout=IDLE_LIMIT_S) != "resume":
                    return
            except queue.Empty:  # a stopped run nobody resumed (its page closed): end it
                return
            stop.clear()
    except Exception as err:  # report, never die silently
        events.put(("failed", f"{type(err).__name__}: {err}", traceback.format_exc()))


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
        self.trainer = Trainer(ratings, config, split)  # raises ValueError on a bad config
        self.ratings = ratings
        self.config = config
        self._lock = threading.Lock()
        self._ctx = _context()
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
        if self._active or self.trainer.done or self._status == "failed":
            return False
        self._stop.clear()
        with self._lock:
            self._status, self._message = "running", "Training..."
            self._segment_start, self._segment_step = time.perf_counter(), self.trainer.global_step
        self._active = True
        if self._process is None:
            self._process = self._ctx.Process(
                target=_worker,
                daemon=True,
                name="training-run",
                args=(
                    self.ratings,
                    self.config,
                    self.trainer.split,
                    self._events,
                    self._commands,
                    self._stop,
                ),
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
            self._record(_convert(msg[1], torch.from_numpy), msg[2])
        elif kind == "state":
            state = {k: torch.from_numpy(v) for k, v in msg[1].items()}
            self.trainer.model.load_state_dict(state)
            self.trainer.global_step, self.trainer.epoch = msg[2], msg[3]
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
                self.trainer.global_step = event.steps[-1]
                done = event.steps[-1] - self._segment_step
                elapsed = time.perf_counter() - self._segment_start
                self._rate = done * self.config.batch_size / max(elapsed, 1e-9)
            elif isinstance(event, EpochEvent):
                self._epochs.append(event)
                self.trainer.epoch = event.epoch
            elif isinstance(event, SnapshotEvent):
                self._snapshot = event
                if planted is not None:
                    self._planted.append((event.step, planted))
            elif isinstance(event, EndEvent):
                self._status, self._message = event.status, event.message
                self.trainer.status = event.status
                self._train_seconds += time.perf_counter() - self._segment_start
        if isinstance(event, EndEvent):
            self._active = False

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
                smoothed=list(self._smoothed),
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
