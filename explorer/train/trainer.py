"""Train DotProduct models: a config, device choice, and a generator of events that never draws.

Speed: the data lives as tensors on the device; an epoch is one seeded randperm sliced into
batches (no per-sample DataLoader). For DotProduct and DotProductBias with a dense optimizer
the step computes the gradient in closed form (`explorer.train.fast_step`) into preallocated
`.grad` tensors and steps torch's fused AdamW, instead of building an autograd graph each
step: the same maths with about a third of the per-step overhead (bench/train_speed.py).
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Iterator

import torch

from explorer.data.ratings import Ratings, Split
from explorer.train.baselines import Baselines, Metrics, baselines, metrics
from explorer.train.config import TrainConfig, make_split
from explorer.train.devices import resolve_device
from explorer.train.events import BatchEvent, EndEvent, EpochEvent, Event, SnapshotEvent
from explorer.train.fast_step import AdamStep, SparseAdamStep, analytic_grads, analytic_row_grads
from explorer.train.models import make_model
from explorer.train.optimizers import (
    make_optimizer,
    make_scheduler,
    param_groups,
)

EVAL_CHUNK = 1_000_000  # validation rows scored at once, to bound memory on 10M sets


class Trainer:
    """Holds a model, its optimizer and its place in the schedule; `run()` trains from there.

    A run stopped between two steps continues, on the next `run()`, from the very next step
    with the same shuffle, so a stopped-and-resumed run gives the uninterrupted history.
    """

    def __init__(self, ratings: Ratings, config: TrainConfig, split: Split | None = None):
        config.check()
        self.config = config
        self.ratings = ratings
        self.device = resolve_device(config.device)
        self.split = split or make_split(ratings, config)
        dev = self.device
        u, i, r = ratings.users, ratings.items, ratings.ratings
        self.train_u, self.train_i, self.train_r = (t[self.split.train].to(dev) for t in (u, i, r))
        self.valid_u, self.valid_i, self.valid_r = (t[self.split.valid].to(dev) for t in (u, i, r))
        self.baselines: Baselines = baselines(
            u, i, r, self.split.train, self.split.valid, ratings.n_users, ratings.n_items
        )
        sparse = config.optimizer == "SparseAdam"
        self.model = make_model(
            config.model,
            ratings.n_users,
            ratings.n_items,
            config.n_factors,
            config.y_range,
            config.init,
            sparse,
            config.seed,
        ).to(dev)
        self.params = [e.weight for e in self.model.embeddings()]
        n = len(self.train_r)
        self.steps_per_epoch = max(1, math.ceil(n / config.batch_size))
        self.total_steps = self.steps_per_epoch * config.epochs
        # made on the first run(): a Trainer that only holds a model (the page's mirror of a
        # worker's run) never pays for them, and torch's first optimizer imports torch._dynamo
        self.optimizer = self.scheduler = None
        self.grad_buffer = None
        self.adam_step: AdamStep | None = None
        self.sparse_step: SparseAdamStep | None = None
        self.shuffle = torch.Generator().manual_seed(config.seed)
        self.epoch = 0  # epochs completed
        self.step_in_epoch = 0
        self.global_step = 0
        self.perm: torch.Tensor | None = None
        self.epoch_losses: list[torch.Tensor] = []
        self.epoch_seconds = 0.0
        self.status = "ready"  # ready, running, stopped, finished, diverged

    def _setup_optimizer(self) -> None:
        """The optimizer, the schedule and the fast step's buffers."""
        config, dev = self.config, self.device
        sparse = config.optimizer == "SparseAdam"
        self.use_fast = config.fast_step and not sparse
        if self.use_fast:  # every .grad is a view of one buffer, zeroed by one call a step
            self.grad_buffer = torch.zeros(sum(p.numel() for p in self.params), device=dev)
            start = 0
            for p in self.params:
                p.grad = self.grad_buffer[start : start + p.numel()].view_as(p)
                start += p.numel()
        self.optimizer = make_optimizer(config, param_groups(config, self.model), dev)
        self.fused = bool(self.optimizer.param_groups[0].get("fused"))
        # SparseAdam's fast path: row gradients straight into a lazy update, O(batch) a step
        self.sparse_step = SparseAdamStep(self.optimizer) if sparse and config.fast_step else None
        self.scheduler = make_scheduler(config, self.optimizer, self.total_steps)

    @property
    def done(self) -> bool:
        return self.status in ("finished", "diverged")

    def predict(self, users: torch.Tensor, items: torch.Tensor) -> torch.Tensor:
        """Predictions in chunks, on the model's device; returns (N,) on the CPU."""
        out = []
        with torch.no_grad():
            for a in range(0, len(users), EVAL_CHUNK):
                u = users[a : a + EVAL_CHUNK].to(self.device)
                i = items[a : a + EVAL_CHUNK].to(self.device)
                out.append(self.model(u, i).float().cpu())
        return torch.cat(out) if out else torch.empty(0)

    def evaluate(self) -> Metrics:
        """Validation metrics of the current model."""
        return metrics(self.predict(self.valid_u, self.valid_i), self.valid_r.cpu())

    def snapshot(self) -> SnapshotEvent:
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

    def _step(self, users, items, target) -> torch.Tensor:
        """One optimizer step on a batch; returns the batch MSE as a 0-d tensor."""
        if self.sparse_step is not None:
            loss, rows = analytic_row_grads(self.model, users, items, target)
            self.sparse_step(rows)
            if self.scheduler is not None:
                with warnings.catch_warnings():  # it stepped, just not through .step()
                    warnings.filterwarnings("ignore", "Detected call of `lr_scheduler.step")
                    self.scheduler.step()
            return loss
        if self.use_fast:
            self.grad_buffer.zero_()
            loss = analytic_grads(self.model, users, items, target)
        else:
            self.optimizer.zero_grad(set_to_none=True)
            loss = torch.nn.functional.mse_loss(self.model(users, items), target)
            loss.backward()
            loss = loss.detach()
        if self.adam_step is not None:
            self.adam_step()
        else:
            self.optimizer.step()
            if self.use_fast and self.config.optimizer in ("Adam", "AdamW") and self.fused:
                self.adam_step = AdamStep(self.optimizer)  # the state exists from now on
        if self.scheduler is not None:
            self.scheduler.step()
        return loss

    def run(self, stop=None) -> Iterator[Event]:
        """Train until the last epoch or until `stop` (a threading.Event) is set; yield events."""
        if self.done:
            return
        cfg = self.config
        torch.set_num_threads(cfg.threads)  # here, not in __init__: a mirror never trains
        if self.optimizer is None:
            self._setup_optimizer()
        self.status = "running"
        yield self.snapshot()
        good = [p.detach().clone() for p in self.params]  # last finite state
        while self.epoch < cfg.epochs:
            if self.perm is None:
                self.perm = torch.randperm(len(self.train_r), generator=self.shuffle).to(
                    self.device
                )
                self.epoch_losses, self.epoch_seconds = [], 0.0
            # shuffled once per epoch, so each batch is a slice (a view), not three gathers
            us, its, rs = self.train_u[self.perm], self.train_i[self.perm], self.train_r[self.perm]
            pending: list[torch.Tensor] = []
            started = time.perf_counter()
            while self.step_in_epoch < self.steps_per_epoch:
                a = self.step_in_epoch * cfg.batch_size
                b = a + cfg.batch_size
                pending.append(self._step(us[a:b], its[a:b], rs[a:b]))
                self.step_in_epoch += 1
                self.global_step += 1
                last = self.step_in_epoch == self.steps_per_epoch
                stopping = stop is not None and stop.is_set() and not last
                if len(pending) == cfg.log_every or last or stopping:
                    losses = torch.stack(pending).tolist()  # one device-to-host copy
                    first = self.global_step - len(pending) + 1
                    bad = next((k for k, x in enumerate(losses) if not math.isfinite(x)), None)
                    if bad is not None:
                        yield from self._diverged(first + bad, good)
                        return
                    for p, g in zip(self.params, good, strict=True):
                        g.copy_(p.detach())
                    self.epoch_losses.extend(losses)
                    yield BatchEvent(
                        self.epoch + 1,
                        list(range(first, self.global_step + 1)),
                        losses,
                        self.optimizer.param_groups[0]["lr"],
                    )
                    pending = []
                if self.global_step % cfg.snapshot_every == 0:
                    yield self.snapshot()
                if stopping:
                    self.epoch_seconds += time.perf_counter() - started
                    yield from self._stopped()
                    return
            if self.device.type == "cuda":
                torch.cuda.synchronize()
            self.epoch_seconds += time.perf_counter() - started
            yield self._end_epoch()
            if stop is not None and stop.is_set() and self.epoch < cfg.epochs:
                yield from self._stopped()
                return
        self.status = "finished"
        yield self.snapshot()
        yield EndEvent("finished", self.global_step, f"Finished {cfg.epochs} epochs.")

    def _end_epoch(self) -> EpochEvent:
        self.epoch += 1
        self.step_in_epoch = 0
        self.perm = None
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

    def _diverged(self, step: int, good: list[torch.Tensor]) -> Iterator[Event]:
        with torch.no_grad():
            for p, g in zip(self.params, good, strict=True):
                p.copy_(g)
        self.status = "diverged"
        yield self.snapshot()
        yield EndEvent(
            "diverged",
            step,
            f"The loss became NaN or infinite at step {step}: the learning rate "
            f"({self.config.lr:g}) is too high for this model. Try {self.config.lr / 10:g}. "
            "The model was put back to its last finite state.",
        )
