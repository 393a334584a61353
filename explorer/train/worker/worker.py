"""The training worker: a child process that owns the Trainer and sends its events home.

Why a process and not a thread: the trainer is a Python loop of small torch calls, each of
which releases the GIL. In a thread beside the Streamlit server, every redraw of the page
takes the GIL from it for milliseconds at a time, and training ran 4-10 times slower while
the page was drawing (measured; bench/live_overhead.py). In its own process it has a core of
its own, and the page's drawing costs it next to nothing.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import queue
import threading
import time
import traceback
import weakref
from collections.abc import Callable
from dataclasses import replace
from multiprocessing import forkserver

import torch

from explorer.data.ratings import Ratings
from explorer.train.loop import frames, resume
from explorer.train.loop.events import EndEvent, EpochEvent, SnapshotEvent
from explorer.train.loop.trainer import Trainer
from explorer.train.model.recovery import planted_match, planted_matches

SNAPSHOT_MIN_S = 0.2  # the worker forwards at most five factor snapshots a second
SEND_EVERY_S = 0.1  # the worker batches its events into one message this often
WORKER_NICE = 5  # workers yield the CPU to the server (its pages, its health check)
_CONTEXT = "forkserver"  # children fork from a clean, thread-free server: fast and safe
_SNAPSHOT_TENSORS = ("user_factors", "item_factors", "user_bias", "item_bias")


def context():
    """The multiprocessing context every worker starts from."""
    ctx = mp.get_context(_CONTEXT)
    # torch._dynamo: the first optimizer made in a process imports it (1.6 s here), so the
    # server imports it once and every worker forked from it starts without that wait; the
    # same for the compiled row step (numba loads it from its cache, or compiles it once)
    preload = ["explorer.train.worker.orphan", "torch", "torch._dynamo", __name__]
    preload += ["explorer.train.step.warm", "explorer.train.worker.preloaded"]  # watch ends
    ctx.set_forkserver_preload(preload)
    return ctx


def warm_up(wait: bool = False) -> None:
    """Start the fork server (it imports torch once, in the background): the first Train is
    quick. No child is forked (one counted against the cap); wait=True: a no-op, when ready."""
    ctx = context()  # its preload set
    forkserver.ensure_running()
    if wait:
        (p := ctx.Process(target=_noop, daemon=True)).start()
        p.join()


def _noop() -> None:
    pass


def convert(snapshot: SnapshotEvent, fn) -> SnapshotEvent:
    """Snapshots cross the pipe as numpy arrays: torch would put tensors in shared memory,
    one file handle per snapshot, five times a second; plain bytes are simpler."""
    values = {k: getattr(snapshot, k) for k in _SNAPSHOT_TENSORS}
    return replace(snapshot, **{k: None if v is None else fn(v) for k, v in values.items()})


def _state(trainer: Trainer) -> dict:
    return {k: v.detach().cpu().numpy().copy() for k, v in trainer.model.state_dict().items()}


class _Outbox:
    """The worker's events, sent as one message every SEND_EVERY_S: pickling and the queue's
    feeder thread take the worker's GIL, so fewer, larger messages leave more to training."""

    def __init__(self, events):
        self.events, self.pending, self.last_send = events, [], 0.0

    def add(self, item: tuple, now: float, urgent: bool = False) -> None:
        self.pending.append(item)
        if urgent or now - self.last_send >= SEND_EVERY_S:
            self.flush(now)

    def flush(self, now: float = 0.0) -> None:
        if self.pending:
            self.events.put(("batch", self.pending))
        self.pending, self.last_send = [], now


def _finite(snapshot: SnapshotEvent) -> bool:
    tensors = (getattr(snapshot, k) for k in _SNAPSHOT_TENSORS)
    return all(bool(torch.isfinite(t).all()) for t in tensors if t is not None)


def _train_once(trainer: Trainer, ratings: Ratings, outbox: _Outbox, stop) -> None:
    """One run() of the trainer, until it ends or stops, its events forwarded."""
    last_snap = 0.0
    for event in trainer.run(stop):
        now = time.perf_counter()
        if isinstance(event, SnapshotEvent):
            if trainer.status == "running" and now - last_snap < SNAPSHOT_MIN_S:
                continue  # the last snapshot, at a stop or the end, always goes
            if not _finite(event):
                continue  # never sent: the page draws and scores finite factors only
            last_snap = now
            planted = None
            if ratings.planted is not None:  # scored here, on the worker's own core
                planted = planted_match(event.item_factors, ratings.planted.item_factors)
            outbox.add(("snapshot", convert(event, torch.Tensor.numpy), planted), now)
            continue
        if isinstance(event, EndEvent):
            outbox.add(("state", _state(trainer), trainer.global_step, trainer.epoch), now)
            if event.status == "stopped":  # all a fresh worker needs to go on from here
                outbox.add(("resume", resume.save(trainer)), now)
            replay = _replay(trainer, ratings)
            if replay is not None:
                outbox.add(("replay", frames.convert(replay, torch.Tensor.numpy)), now)
        outbox.add(("event", event), now, urgent=isinstance(event, EpochEvent | EndEvent))
    outbox.flush()


def _replay(trainer: Trainer, ratings: Ratings) -> frames.Replay | None:
    """The run's frames so far, on one basis, scored where the set has planted factors."""
    planted = ratings.planted.item_factors if ratings.planted is not None else None
    return trainer.frames.replay(planted, planted_matches) if trainer.frames else None


def _watch(lifeline) -> None:
    """In the child: end the process the moment the server's end of the pipe closes (the
    server died, or dropped the run), whatever the trainer is doing."""
    with contextlib.suppress(EOFError, OSError):
        lifeline.recv()
    os._exit(0)


def work(payload: tuple, events, stop, lifeline) -> None:
    """Runs in the child: train (from a stopped run's state, where it has one) until the run
    ends or stops, forward the events, and end. A stopped run holds no process: its state
    waits in the server, and Resume starts a fresh worker from it."""
    threading.Thread(target=_watch, args=(lifeline,), daemon=True).start()
    with contextlib.suppress(OSError, AttributeError):  # the page and its health check come
        os.nice(WORKER_NICE)  # first when the cores are short: a class's server stays quick
    try:
        ratings, plan, state = payload
        trainer = Trainer(ratings, plan.config, plan=plan)
        trainer.frames = frames.keeper_for(ratings, trainer.model, trainer.total_steps)
        if state is not None:
            resume.load(trainer, state)
        _train_once(trainer, ratings, _Outbox(events), stop)
    except Exception as err:  # report, never die silently
        events.put(("failed", f"{type(err).__name__}: {err}", traceback.format_exc()))


class Worker:
    """The server's side of one worker process: its queues, stop flag and lifeline."""

    def __init__(self):
        ctx = context()
        self.stop = ctx.Event()
        self.events = ctx.Queue()
        self._lifeline_child, self._lifeline = ctx.Pipe(duplex=False)
        self.process = None
        self._closing = False
        self._gone = False  # closed, and its process (if any) has ended
        self._on_gone: list[Callable[[], None]] = []
        self._close_lock = threading.Lock()
        self._ctx = ctx

    @property
    def started(self) -> bool:
        return self.process is not None

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.is_alive()

    def start(self, payload: tuple) -> None:
        """Start the process: payload = (ratings, plan, a stopped run's state or None)."""
        args = (payload, self.events, self.stop, self._lifeline_child)
        self.process = self._ctx.Process(target=work, args=args, daemon=True, name="training-run")
        self.process.start()
        self._lifeline_child.close()  # the child holds its own copy now

    def close(self, on_gone: Callable[[], None] | None = None) -> None:
        """Stop and end the process without waiting here: a reaper thread waits for it, and
        then calls on_gone (at once, where the process never started or has been reaped)."""
        self.stop.set()
        with self._close_lock:
            if not self._gone and on_gone is not None:
                self._on_gone.append(on_gone)
                on_gone = None
            first, self._closing = not self._closing, True
        if on_gone is not None:
            on_gone()
        if not first:
            return
        if self.process is None:
            self._lifeline.close()
            self._reaped()
            return
        threading.Thread(target=self._reap, daemon=True, name="worker-reaper").start()

    def _reap(self) -> None:
        process = self.process
        process.join(2)
        self._lifeline.close()  # the child's watcher ends it now, whatever it is doing
        process.join(2)
        if process.is_alive():
            process.kill()
            process.join(2)
        self._reaped()

    def _reaped(self) -> None:
        with self._close_lock:
            self._gone, calls, self._on_gone = True, self._on_gone, []
        for call in calls:
            call()


def listen(ref: weakref.ref, worker: Worker) -> None:
    """The listener thread: hand each message to the run, if it still exists. It holds the run
    only between messages, so a run whose session is gone is freed, and its worker ends."""
    while True:
        try:
            msg = worker.events.get(timeout=0.5)
        except queue.Empty:
            msg = None
        except (EOFError, OSError):
            return
        run = ref()
        if run is None:
            worker.close()
            return
        try:
            if msg is not None:
                for item in msg[1] if msg[0] == "batch" else [msg]:
                    run.handle(item)
            run.check(worker, worker.alive or not worker.events.empty())  # its last words first
        except Exception as err:  # a listener that dies would leave the run "running"
            run.handle(("failed", f"{type(err).__name__}: {err}", traceback.format_exc()))
        finished = not worker.alive and worker.started and worker.events.empty()
        if finished:
            run.worker_ended(worker)
        del run
        if finished:
            return
