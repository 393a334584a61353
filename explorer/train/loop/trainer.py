"""Train DotProduct models: a generator of events that never draws.

Speed: the data lives as tensors on the device; an epoch is one seeded randperm, the data
gathered once in that order and sliced into batches (no per-sample DataLoader); each step is
a `Stepper` call (closed-form gradients and a fused optimizer where the config allows).
The loop reads like the book's: for each epoch, for each batch, one step; report the losses
every `log_every` steps; a snapshot every `snapshot_every`; validate at each epoch's end.
"""

from __future__ import annotations

import math
import time
from collections.abc import Generator, Iterator

import torch

from explorer import limits
from explorer.data.ratings import Ratings, Split
from explorer.train.config import TrainConfig
from explorer.train.loop.events import BatchEvent, EndEvent, EpochEvent, Event, SnapshotEvent
from explorer.train.loop.frames import FrameKeeper
from explorer.train.loop.plan import Plan, make_plan, predict
from explorer.train.loop.rollback import Rollback
from explorer.train.model.baselines import Metrics, metrics
from explorer.train.step.stepper import Stepper

CHUNK = 64  # steps in one call at most (about 5 ms on this machine's CPU)


class Trainer:
    """Holds a model, its optimizer and its place in the schedule; `run()` trains from there.

    A run stopped between two steps continues, on the next `run()`, from the very next step
    with the same shuffle, so a stopped-and-resumed run gives the uninterrupted history.
    """

    def __init__(
        self,
        ratings: Ratings,
        config: TrainConfig,
        split: Split | None = None,
        plan: Plan | None = None,
    ):
        self.plan = plan if plan is not None else make_plan(ratings, config, split)
        self.config = config = self.plan.config
        self.ratings = ratings
        self.device = dev = torch.device(self.plan.device)
        self.split, self.baselines = self.plan.split, self.plan.baselines
        self.steps_per_epoch, self.total_steps = self.plan.steps_per_epoch, self.plan.total_steps
        u, i, r = ratings.users, ratings.items, ratings.ratings
        self.train_u, self.train_i, self.train_r = (t[self.split.train].to(dev) for t in (u, i, r))
        self.valid_u, self.valid_i, self.valid_r = (t[self.split.valid].to(dev) for t in (u, i, r))
        self.model = self.plan.model().to(dev)
        self.params = list(self.model.parameters())  # the rollback keeps all of them
        self.stepper: Stepper | None = None  # made on the first run(): torch's first
        # optimizer imports torch._dynamo, which a Trainer that never trains need not pay for
        self.shuffle = torch.Generator().manual_seed(config.seed)
        self.epoch_shuffle: torch.Tensor | None = None  # its state before this epoch's order
        self.epoch = 0  # epochs completed
        self.step_in_epoch = 0
        self.global_step = 0
        self.batches: tuple[torch.Tensor, ...] | None = None  # this epoch's data, shuffled
        self.rollback: Rollback | None = None  # the last weights checked finite
        self.epoch_losses: list[float] = []
        self.epoch_seconds = 0.0
        self.status = "ready"  # ready, running, stopped, finished, diverged
        self.frames: FrameKeeper | None = None  # set one to keep the run's replay frames

    @property
    def done(self) -> bool:
        return self.status in ("finished", "diverged")

    def _settle(self) -> None:
        if self.stepper is not None:
            self.stepper.settle()

    def evaluate(self) -> Metrics:
        """Validation metrics of the current model."""
        self._settle()
        return metrics(predict(self.model, self.valid_u, self.valid_i), self.valid_r.cpu())

    def frame(self, always: bool = False) -> None:
        """A replay frame, when one is due (or `always`: the start, a stop, the end)."""
        if self.frames is not None and (always or self.frames.due(self.global_step)):
            self._settle()
            m = self.model
            w_items, w_users = m.item_factors.weight, m.user_factors.weight
            self.frames.add(self.global_step, self.epoch, w_items, w_users)

    def snapshot(self) -> SnapshotEvent:
        """CPU copies of the factors and biases, for the live plots (and a replay frame)."""
        self.frame(always=self.status != "running")  # the start's is due; a stop's, the end's
        self._settle()
        m = self.model
        bias = hasattr(m, "user_bias")
        with torch.no_grad():
            return SnapshotEvent(
                epoch=self.epoch,
                step=self.global_step,
                user_factors=m.user_factors.weight.detach().float().cpu().clone(),
                item_factors=m.item_factors.weight.detach().float().cpu().clone(),
                user_bias=m.user_bias.weight[:, 0].float().cpu().clone() if bias else None,
                item_bias=m.item_bias.weight[:, 0].float().cpu().clone() if bias else None,
            )

    def run(self, stop=None) -> Iterator[Event]:
        """Train until the last epoch or until `stop` (a threading.Event) is set; yield events."""
        if self.done:
            return
        self._start()
        yield self.snapshot()
        while self.epoch < self.config.epochs:
            ended = yield from self._train_epoch(stop)
            if not ended:  # stopped or diverged inside the epoch
                return
            yield self._end_epoch()
            if stop is not None and stop.is_set() and self.epoch < self.config.epochs:
                yield from self._stopped()
                return
        self.status = "finished"
        yield self.snapshot()
        yield EndEvent("finished", self.global_step, f"Finished {self.config.epochs} epochs.")

    def _start(self) -> None:
        # here, not in __init__: a Trainer that never trains keeps the process's threads; and
        # never more threads than the cores this process may use
        torch.set_num_threads(min(self.config.threads, limits.cores()))
        self.make_stepper()
        self.status = "running"
        self.rollback.start()

    def make_stepper(self) -> None:
        if self.stepper is None:
            self.stepper = Stepper(self.model, self.config, self.total_steps)
            self.rollback = Rollback(self.params, self.stepper)

    def _epoch_batches(self) -> tuple[torch.Tensor, ...]:
        """This epoch's data in its shuffled order (made once an epoch, kept across a stop):
        each batch is then a slice, a view, instead of three gathers."""
        if self.batches is None:
            self.epoch_shuffle = self.shuffle.get_state()
            perm = torch.randperm(len(self.train_r), generator=self.shuffle).to(self.device)
            data = (self.train_u, self.train_i, self.train_r)
            self.batches = tuple(x.index_select(0, perm) for x in data)  # 4x t[perm]
            self.epoch_losses, self.epoch_seconds = [], 0.0
        return self.batches

    def _train_epoch(self, stop) -> Generator[Event, None, bool]:
        """The epoch's remaining batches; returns True at its end, False at a stop or NaN."""
        self._epoch_batches()
        cfg, pending = self.config, []
        started = time.perf_counter()
        while self.step_in_epoch < self.steps_per_epoch:
            n = self._steps_to_next_event(len(pending))  # steps with nothing to report
            a = self.step_in_epoch * cfg.batch_size
            pending.extend(self.stepper.steps(self.batches, a, n, cfg.batch_size))
            self.step_in_epoch += n
            self.global_step += n
            last = self.step_in_epoch == self.steps_per_epoch
            stopping = stop is not None and stop.is_set() and not last
            if len(pending) == cfg.log_every or last or stopping:
                report = self._report(pending)
                if isinstance(report, EndEvent):
                    yield self.snapshot()
                    yield report
                    return False
                yield report
                pending = []
            if self.global_step % cfg.snapshot_every == 0:
                end = self._checkpoint()
                yield self.snapshot()
                if end is not None:
                    yield end
                    return False
            else:
                self.frame()
            if stopping:
                self.epoch_seconds += time.perf_counter() - started
                yield from self._stopped()
                return False
        if self.device.type == "cuda":
            torch.cuda.synchronize()
        self.epoch_seconds += time.perf_counter() - started
        end = self._checkpoint()
        if end is not None:
            yield self.snapshot()
            yield end
            return False
        return True

    def _steps_to_next_event(self, pending: int) -> int:
        """Steps until the next report, snapshot, replay frame or the epoch's end: the
        compiled row step runs them in one call, the others one by one. At most CHUNK: a
        stop is seen between two calls."""
        cfg, g = self.config, self.global_step
        n = min(CHUNK, cfg.log_every - pending, self.steps_per_epoch - self.step_in_epoch)
        n = min(n, cfg.snapshot_every - g % cfg.snapshot_every)
        if self.frames is not None:
            n = min(n, self.frames.every - g % self.frames.every)
        return max(1, n)

    def _checkpoint(self) -> EndEvent | None:
        """The rollback's check at a snapshot or an epoch's end (rollback.py)."""
        return None if self.rollback.checkpoint() else self._diverged(self.global_step)

    def _report(self, pending: list[torch.Tensor]) -> BatchEvent | EndEvent:
        """The losses of the steps since the last report, in one device-to-host copy; or,
        where a loss or a weight is no longer finite, the rollback and its end event."""
        floats = isinstance(pending[0], float)  # the compiled row step returns floats
        losses = pending if floats else torch.stack(pending).tolist()
        first = self.global_step - len(pending) + 1
        bad = next((k for k, x in enumerate(losses) if not math.isfinite(x)), None)
        if bad is None and not self.rollback.report():
            bad = len(losses) - 1  # the last update made a weight inf or NaN
        if bad is not None:
            return self._diverged(first + bad)
        self.epoch_losses.extend(losses)
        steps = list(range(first, self.global_step + 1))
        return BatchEvent(self.epoch + 1, steps, losses, self.stepper.lr)

    def _end_epoch(self) -> EpochEvent:
        self.epoch += 1
        self.step_in_epoch = 0
        self.batches = None
        n = len(self.train_r)
        return EpochEvent(
            epoch=self.epoch,
            train_loss=sum(self.epoch_losses) / max(1, len(self.epoch_losses)),
            valid=self.evaluate(),
            seconds=self.epoch_seconds,
            ratings_per_s=n / max(self.epoch_seconds, 1e-9),
        )

    def _stopped(self) -> Iterator[Event]:
        self.status = "stopped"
        yield self.snapshot()
        yield EndEvent("stopped", self.global_step, "Stopped: press Resume to go on.")

    def _diverged(self, step: int) -> EndEvent:
        """Put the weights back to the last ones checked finite; say why and what to try."""
        self.rollback.restore()
        self.status = "diverged"
        return EndEvent(
            "diverged",
            step,
            f"The loss became NaN or infinite at step {step}: the learning rate "
            f"({self.config.lr:g}) is too high for this model. Try {self.config.lr / 10:g}. "
            "The model was put back to its last finite state.",
        )
