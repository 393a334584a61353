"""RunInbox: what a TrainingRun does with its worker's messages, and between them.

The listener thread (`worker.listen`) calls these, under the run's lock: record each event,
keep a stopped run's state for Resume, notice a worker that died, a page that is gone or a
run nobody watches, and free the run's slot once its process has ended.
"""

from __future__ import annotations

import threading
import time
import weakref

import torch

from explorer import limits
from explorer.train.loop import frames
from explorer.train.loop.events import EndEvent
from explorer.train.worker.worker import Worker, convert

PUT_AWAY_TEXT = (
    "Stopped long enough that the state Resume needs was let go. The model it learned is "
    "kept: read it below, or press Train for a new run."
)


def _put_away(ref: weakref.ref, segment: int) -> None:
    """A stopped run's state, not resumed for `limits.stopped_idle_s()`, is let go."""
    run = ref()
    if run is not None:
        with run._lock:
            if run._segment == segment and run._rec.status == "stopped" and not run._active:
                run._resume_state, run._closed = None, True
                run._rec.message = PUT_AWAY_TEXT


class RunInbox:
    """The listener's side of a TrainingRun (its _lock, _rec, _worker and flags)."""

    def handle(self, msg: tuple) -> None:
        """One message from the worker."""
        kind = msg[0]
        with self._lock:
            if kind == "event":
                self._rec.record(msg[1])
                if isinstance(msg[1], EndEvent):
                    self._ended(msg[1].status)
            elif kind == "snapshot":
                self._rec.record(convert(msg[1], torch.from_numpy), msg[2])
            elif kind == "replay":
                self._rec.replay = frames.convert(msg[1], torch.from_numpy)
            elif kind == "resume":
                self._resume_state = msg[1]
            elif kind == "state":
                self.model.load_state_dict({k: torch.from_numpy(v) for k, v in msg[1].items()})
                self._rec.global_step, self._rec.epoch = msg[2], msg[3]
            elif kind == "failed":
                print(msg[2])
                self._fail(msg[1])

    def _ended(self, status: str) -> None:
        if status == "stopped" and self._unwatched:
            self._rec.message = (
                f"Stopped: nobody looked at this run for {limits.unwatched_s():.0f} s, so it "
                "gave its core back. Press Resume to go on."
            )
        self._done = status in ("finished", "diverged")
        self._active = False  # its slot is given back once the process has ended
        if status == "stopped":
            timer = threading.Timer(
                limits.stopped_idle_s(), _put_away, (weakref.ref(self), self._segment)
            )
            timer.daemon = True
            timer.start()

    def worker_ended(self, worker: Worker) -> None:
        """The listener saw this worker's process end, its messages read: its slot is free
        (unless a Resume has started the next stretch's worker on it meanwhile)."""
        with self._lock:
            if worker is self._worker and not self._active:
                self._give_back()

    def check(self, worker: Worker, worker_alive: bool) -> None:
        """Between messages: a worker that died, a page that is gone, a run nobody watches."""
        with self._lock:
            if self._owner is not None and not self._closed:
                now = time.monotonic()
                if self._owner():
                    self._owner_gone = None
                elif self._owner_gone is None:
                    self._owner_gone = now
                elif now - self._owner_gone > self._owner_grace:
                    self.close()  # its session is gone: so is the run
                    return
            if worker is not self._worker:
                return  # an earlier stretch's worker: it ended after sending its state
            died = not worker_alive and worker.started and not self._closed
            if died and self._active and self._rec.status != "queued":
                self._fail("the training process ended unexpectedly")
                self._closed = True
            unwatched = time.monotonic() - self._last_view > limits.unwatched_s()
            if self._rec.status == "running" and unwatched and not self._worker.stop.is_set():
                self._unwatched = True
                self._worker.stop.set()  # nobody looks: stop, and free the core

    def _fail(self, reason: str) -> None:
        with self._lock:
            self._rec.end_training("failed", f"Training failed: {reason}")
            self._active = False
            if not self._worker.alive:  # else, once it has ended (worker_ended)
                self._give_back()
