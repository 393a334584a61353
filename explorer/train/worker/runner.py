"""TrainingRun: a run in a worker process (`worker.py`), read at any moment under a lock.

The page keeps the run's Plan and a CPU model that receives the worker's weights: no trainer
and no device context in the server. Every worker ends: when its run is dropped or its page
is gone (`watch_owner`), when nobody looks at a running run for `limits.unwatched_s()` (it
stops), when a stopped one waits past `limits.stopped_idle_s()`, and when the server dies (the
worker watches a pipe). Past the server's cap (`Slots`) a run waits in line. Nothing blocks.
"""

from __future__ import annotations

import itertools
import threading
import time
import weakref
from collections.abc import Callable

import torch

from explorer import limits
from explorer.data.ratings import Ratings, Split
from explorer.train.config import TrainConfig
from explorer.train.loop import frames
from explorer.train.loop.events import EndEvent
from explorer.train.loop.plan import make_plan
from explorer.train.worker.record import RunRecord
from explorer.train.worker.results import RunResults
from explorer.train.worker.run_view import RunView
from explorer.train.worker.slots import Slots, queue_text
from explorer.train.worker.worker import Worker, convert, listen

_TOKENS = itertools.count(1)
RESULT_STATES = ("stopped", "finished", "diverged")  # a model worth reading
RESUME_TEXT = "Stopped: press Resume to go on."
PUT_AWAY_TEXT = (
    "Stopped long enough that its worker was put away. The model it learned is kept: read "
    "it below, or press Train for a new run."
)


def _release(worker: Worker, slots: Slots | None, token: int) -> None:
    """When a run is dropped: end its worker, free its slot or its place in line."""
    worker.close()
    if slots is not None:
        slots.give_back(token)


class TrainingRun(RunResults):
    """Train in a worker process with a stop flag; keep a lock-guarded history here.

    A script that makes a TrainingRun needs the `if __name__ == "__main__":` guard, as any
    multiprocessing code with a fork server does: the worker imports the script's main module.
    (Streamlit, pytest and `python -m` are fine as they are.)
    """

    def __init__(
        self,
        ratings: Ratings,
        config: TrainConfig,
        split: Split | None = None,
        slots: Slots | None = None,
    ):
        self.plan = make_plan(ratings, config, split)  # raises ValueError on a bad config
        self.ratings, self.config = ratings, config
        self.model = self.plan.model()  # on the CPU; gets the worker's weights
        self._token, self._slots = next(_TOKENS), slots
        self._worker = Worker()
        self._lock = threading.RLock()
        self._rec = RunRecord(config.lr, config.batch_size, self.plan.total_steps)
        self._active = False  # asked to train and not yet stopped, ended or failed
        self._done = False  # finished or diverged: cannot start again
        self._closed = False  # its worker has ended: cannot resume
        self._last_view = time.monotonic()
        self._unwatched = False
        self._owner: Callable[[], bool] | None = None  # is the page that made it still there?
        self._owner_grace = 0.0
        self._owner_gone: float | None = None
        weakref.finalize(self, _release, self._worker, slots, self._token)

    def watch_owner(self, alive: Callable[[], bool], grace_s: float) -> None:
        """End the run once `alive()` has said False for grace_s seconds: its page is gone
        (Streamlit keeps a closed tab's session for its TTL, in case the tab comes back)."""
        self._owner, self._owner_grace = alive, grace_s

    def abandoned(self) -> bool:
        """Its page has gone (Streamlit has dropped the session): the queue skips it. Read
        without the lock, by the server's Slots, which may hold its own."""
        owner = self._owner
        return owner is not None and not owner()

    @property
    def running(self) -> bool:
        """Training or waiting for a slot: the page redraws it live."""
        return self._active

    @property
    def resumable(self) -> bool:
        return self._rec.status == "stopped" and not self._closed and not self._done

    @property
    def global_step(self) -> int:
        return self._rec.global_step

    def start(self) -> bool:
        """Start, or resume after a stop; False if it cannot. Past the cap, it waits in line."""
        with self._lock:
            if self._active or self._done or self._closed or self._rec.status == "failed":
                return False
            self._active, self._unwatched = True, False
            self._last_view = time.monotonic()
            place = 0 if self._slots is None else self._slots.ask(self._token, self, _granted)
            if place:
                self._rec.status, self._rec.message = "queued", queue_text(place)
            else:
                self._go()
            return True

    def _go(self) -> None:
        """Train now (the slot is ours): start the worker, or resume it. The unwatched clock
        starts now: a run that waited in line longer than the unwatched limit is not stopped
        the moment it gets its turn."""
        self._last_view = time.monotonic()
        self._rec.begin_training()
        try:
            if not self._worker.started:
                self._worker.start((self.ratings, self.plan))  # numpy inside: no shared memory
                ref = weakref.ref(self)
                threading.Thread(target=listen, args=(ref, self._worker), daemon=True).start()
            else:
                self._worker.resume()
        except Exception as err:  # a process that cannot start is a failed run, not a hang
            self._fail(f"the training process could not start ({type(err).__name__}: {err})")

    def stop(self) -> None:
        """Ask the worker to stop after its current step; a queued run leaves the line."""
        with self._lock:
            if self._rec.status == "queued":
                self._give_back()
                self._active = False
                started = self._worker.started
                self._rec.status = "stopped" if started else "ready"
                self._rec.message = RESUME_TEXT if started else "Stopped before it started."
            elif self._active:
                self._rec.message = "Stopping after this step..."
                self._worker.stop.set()

    def close(self) -> None:
        """End the worker (Reset, new data) without waiting for it: nothing is left running."""
        with self._lock:
            self._worker.close()
            self._give_back()
            self._active, self._closed = False, True

    def join(self, timeout: float | None = None) -> None:
        """Wait until the run is not active (for scripts and tests: the page never waits)."""
        end = None if timeout is None else time.monotonic() + timeout
        while self._active and (end is None or time.monotonic() < end):
            time.sleep(0.005)

    def _give_back(self) -> None:
        if self._slots is not None:
            self._slots.give_back(self._token)

    # --- called by the listener thread (worker.listen) --------------------------------------

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
        self._active = False
        self._give_back()

    def check(self, worker_alive: bool) -> None:
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
            if not worker_alive and self._worker.started and not self._closed:
                if self._active and self._rec.status != "queued":
                    self._fail("the training process ended unexpectedly")
                self._closed = True
                if self._rec.status == "stopped":
                    self._rec.message = PUT_AWAY_TEXT
            unwatched = time.monotonic() - self._last_view > limits.unwatched_s()
            if self._rec.status == "running" and unwatched and not self._worker.stop.is_set():
                self._unwatched = True
                self._worker.stop.set()  # nobody looks: stop, and free the core

    def _fail(self, reason: str) -> None:
        with self._lock:
            self._rec.end_training("failed", f"Training failed: {reason}")
            self._active = False
            self._give_back()

    # --- read by the page -----------------------------------------------------------------

    def view(self) -> RunView:
        """A consistent copy of the run's state; each call tells the run someone is looking."""
        with self._lock:
            self._last_view = time.monotonic()
            if self._rec.status == "queued" and self._slots is not None:
                self._rec.message = queue_text(self._slots.place(self._token))
            return self._rec.view()


def _granted(run: TrainingRun) -> None:
    """A slot freed up for a queued run (Slots calls this in a thread of its own)."""
    with run._lock:
        if run._owner is not None and not run._owner():  # its page is away or gone
            run._give_back()
            run._active = False
            run._rec.status, run._rec.message = "ready", "Your turn came while this page was away."
        elif run._rec.status == "queued" and run._active:
            run._go()
        else:
            run._give_back()
