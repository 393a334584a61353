"""TrainingRun: a run in a worker process (`worker.py`), read at any moment under a lock.

The page keeps the run's Plan and a CPU model that receives the worker's weights: no trainer
and no device context in the server. A worker lives for one stretch of training: it ends when
the run finishes or stops (a stopped run's state waits here, and Resume starts a fresh worker
from it, `loop/resume.py`), when its run is dropped or its page is gone (`watch_owner`), and
when the server dies (the worker watches a pipe). A run nobody looks at for
`limits.unwatched_s()` stops; a stopped run's state is let go after `limits.stopped_idle_s()`.
Past the server's cap (`Slots`, which counts every worker process until it has ended) a run
waits in line. Nothing blocks.
"""

from __future__ import annotations

import functools
import itertools
import threading
import time
import weakref
from collections.abc import Callable

from explorer.data.ratings import Ratings, Split
from explorer.train.config import TrainConfig
from explorer.train.loop.plan import make_plan
from explorer.train.loop.resume import nbytes
from explorer.train.worker.inbox import RunInbox
from explorer.train.worker.record import RunRecord
from explorer.train.worker.results import RunResults
from explorer.train.worker.run_view import RunView
from explorer.train.worker.slots import Slots, queue_text
from explorer.train.worker.worker import Worker, listen

_TOKENS = itertools.count(1)
RESULT_STATES = ("stopped", "finished", "diverged")  # a model worth reading
RESUME_TEXT = "Stopped: press Resume to go on."


def _release(box: dict, slots: Slots | None, token: int) -> None:
    """When a run is dropped: end its worker; its slot is free once the process has ended."""
    box["worker"].close(None if slots is None else functools.partial(slots.give_back, token))


class TrainingRun(RunInbox, RunResults):
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
        self._box = {"worker": Worker()}  # this stretch's worker: a new one at each Resume
        self._resume_state: dict | None = None  # a stopped run's state (loop/resume.py)
        self._segment = 0  # stretches of training started
        self._lock = threading.RLock()
        self._rec = RunRecord(config.lr, config.batch_size, self.plan.total_steps)
        self._active = False  # asked to train and not yet stopped, ended or failed
        self._done = False  # finished or diverged: cannot start again
        self._closed = False  # closed, failed or its saved state let go: cannot resume
        self._last_view = time.monotonic()
        self._unwatched = False
        self._owner: Callable[[], bool] | None = None  # is the page that made it still there?
        self._owner_grace = 0.0
        self._owner_gone: float | None = None
        weakref.finalize(self, _release, self._box, slots, self._token)

    @property
    def _worker(self) -> Worker:
        return self._box["worker"]

    @property
    def held_bytes(self) -> int:
        """The memory a stopped run's state holds in the server, waiting for Resume."""
        state = self._resume_state
        return 0 if state is None else nbytes(state)

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
        fresh = not self._worker.started or self._resume_state is not None
        return self._rec.status == "stopped" and fresh and not self._closed and not self._done

    @property
    def global_step(self) -> int:
        return self._rec.global_step

    def start(self) -> bool:
        """Start, or resume after a stop; False if it cannot. Past the cap, it waits in line;
        ValueError, with the numbers, where its worker would not fit in the server's memory."""
        with self._lock:
            if self._active or self._done or self._closed or self._rec.status == "failed":
                return False
            if self._worker.started and self._resume_state is None:
                return False  # stopped, but the state to go on from never came
            place = 0
            if self._slots is not None:  # ValueError if it could never fit: said as it is
                place = self._slots.ask(self._token, self, _granted, self.plan.need_bytes)
            self._active, self._unwatched = True, False
            self._last_view = time.monotonic()
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
        self._segment += 1
        try:
            if self._worker.started:  # a Resume: the last stretch's worker sent its state
                old = self._worker  # and is ending; one process per slot, so it ends first
                old.process.join(5)
                old.close()
                self._box["worker"] = Worker()
            state, self._resume_state = self._resume_state, None
            self._worker.start((self.ratings, self.plan, state))  # numpy inside: no shared
            ref = weakref.ref(self)  # memory; the state is pickled to the process by start()
            threading.Thread(target=listen, args=(ref, self._worker), daemon=True).start()
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
        """End the worker (Reset, new data) without waiting for it: nothing is left running.
        Its slot is free once its process has ended; a place in line, at once."""
        with self._lock:
            give_back = None
            if self._slots is not None:
                give_back = functools.partial(self._slots.give_back, self._token)
            self._worker.close(give_back)
            self._active, self._closed, self._resume_state = False, True, None

    def join(self, timeout: float | None = None) -> None:
        """Wait until the run is not active (for scripts and tests: the page never waits)."""
        end = None if timeout is None else time.monotonic() + timeout
        while self._active and (end is None or time.monotonic() < end):
            time.sleep(0.005)

    def _give_back(self) -> None:
        if self._slots is not None:
            self._slots.give_back(self._token)

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
