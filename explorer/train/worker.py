"""The training worker: a child process that owns the Trainer and sends its events home.

Why a process and not a thread: the trainer is a Python loop of small torch calls, each of
which releases the GIL. In a thread beside the Streamlit server, every redraw of the page
takes the GIL from it for milliseconds at a time, and training ran 4-10 times slower while
the page was drawing (measured; bench/live_overhead.py). In its own process it has a core of
its own, and the page's drawing costs it next to nothing.
"""

from __future__ import annotations

import multiprocessing as mp
import queue
import time
import traceback
from dataclasses import replace

import torch

from explorer.data.ratings import Ratings
from explorer.train.events import EndEvent, EpochEvent, SnapshotEvent
from explorer.train.plan import Plan
from explorer.train.recovery import planted_match
from explorer.train.trainer import Trainer

SNAPSHOT_MIN_S = 0.2  # the worker forwards at most five factor snapshots a second
SEND_EVERY_S = 0.1  # the worker batches its events into one message this often
IDLE_LIMIT_S = 3600  # a stopped worker waits this long for Resume, then ends
_CONTEXT = "forkserver"  # children fork from a clean, thread-free server: fast and safe
_SNAPSHOT_TENSORS = ("user_factors", "item_factors", "user_bias", "item_bias")


def context():
    """The multiprocessing context every worker starts from."""
    ctx = mp.get_context(_CONTEXT)
    # torch._dynamo: the first optimizer made in a process imports it (1.6 s here), so the
    # server imports it once and every worker forked from it starts without that wait
    ctx.set_forkserver_preload(["torch", "torch._dynamo", "explorer.train.worker"])
    return ctx


def warm_up() -> None:
    """Start the fork server now (it imports torch once), so the first Train is quick."""
    p = context().Process(target=_noop, daemon=True)
    p.start()
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


def _train_once(trainer: Trainer, ratings: Ratings, outbox: _Outbox, stop) -> None:
    """One run() of the trainer, until it ends or stops, its events forwarded."""
    last_snap = 0.0
    for event in trainer.run(stop):
        now = time.perf_counter()
        if isinstance(event, SnapshotEvent):
            if trainer.status == "running" and now - last_snap < SNAPSHOT_MIN_S:
                continue  # the last snapshot, at a stop or the end, always goes
            last_snap = now
            planted = None
            if ratings.planted is not None:  # scored here, on the worker's own core
                planted = planted_match(event.item_factors, ratings.planted.item_factors)
            outbox.add(("snapshot", convert(event, torch.Tensor.numpy), planted), now)
            continue
        if isinstance(event, EndEvent):
            outbox.add(("state", _state(trainer), trainer.global_step, trainer.epoch), now)
        outbox.add(("event", event), now, urgent=isinstance(event, EpochEvent | EndEvent))
    outbox.flush()


def work(ratings: Ratings, plan: Plan, events, commands, stop) -> None:
    """Runs in the child: train, forward events, wait for resume or quit after a stop."""
    try:
        trainer = Trainer(ratings, plan.config, plan=plan)
        outbox = _Outbox(events)
        while True:
            _train_once(trainer, ratings, outbox, stop)
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
