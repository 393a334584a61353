"""Runs side by side: what a session keeps of its earlier runs, and what changed between them.

A summary is small (its curves thinned to a few hundred points), so a session keeps the last
few; a teacher can show wd 0 against wd 0.1, or DotProduct against DotProductBias, on one page.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

from explorer.train.config import DOT_MODELS, ONE_HOT_MODELS, TrainConfig
from explorer.train.loop.history import thinned_loss
from explorer.train.worker.run_view import RunView

KEEP = 5  # earlier runs a session keeps
POINTS = 300  # points of each kept loss curve


@dataclass(frozen=True)
class RunSummary:
    """One finished (or stopped) run, as the comparison shows it."""

    number: int  # 1, 2, 3... in this session
    config: TrainConfig
    steps: list[int]  # thinned
    losses: list[float]  # the batch losses at those steps
    smoothed: list[float]
    epoch_steps: list[int]
    valid_rmse: list[float]
    seconds: float
    status: str
    epoch_s: float = 0.0  # the mean seconds of an epoch's training steps (no start-up, no eval)

    @property
    def final_rmse(self) -> float | None:
        return self.valid_rmse[-1] if self.valid_rmse else None


def summarize(number: int, config: TrainConfig, view: RunView, steps_per_epoch: int) -> RunSummary:
    """A run's summary from its last view."""
    steps, losses, smoothed = thinned_loss(view.steps, view.losses, POINTS, view.smoothed)
    return RunSummary(
        number=number,
        config=config,
        steps=list(steps),
        losses=list(losses),
        smoothed=list(smoothed),
        epoch_steps=[e.epoch * steps_per_epoch for e in view.epochs],
        valid_rmse=[e.valid.rmse for e in view.epochs],
        seconds=view.train_seconds,
        status=view.status,
        epoch_s=sum(e.seconds for e in view.epochs) / max(1, len(view.epochs)),
    )


def keep(history: list[RunSummary], summary: RunSummary) -> list[RunSummary]:
    """The history with one more run, the oldest dropped past KEEP."""
    return [*history, summary][-KEEP:]


def changes(before: TrainConfig | None, after: TrainConfig) -> str:
    """What differs between two configs, in a few words: 'wd 0.3 → 0, epochs 5 → 10'."""
    if before is None:
        return "the first run"
    diff = [
        f"{f.name} {getattr(before, f.name)} → {getattr(after, f.name)}"
        for f in fields(TrainConfig)
        if getattr(before, f.name) != getattr(after, f.name)
    ]
    return ", ".join(diff) if diff else "nothing (the same settings)"


def comparison_rows(history: list[RunSummary]) -> list[dict]:
    """One row a run: what changed from the run before and what it did to the RMSE."""
    rows, previous = [], None
    for s in history:
        delta = None
        if previous is not None and s.final_rmse is not None and previous.final_rmse is not None:
            delta = s.final_rmse - previous.final_rmse
        rows.append(
            {
                "run": s.number,
                "changed": changes(previous.config if previous else None, s.config),
                "validation RMSE": s.final_rmse,
                "change in RMSE": delta,
                "seconds": round(s.seconds, 2),
                "ended": s.status,
            }
        )
        previous = s
    return rows


def twin(model: str) -> str | None:
    """The same model the other way: nn.Embedding <-> one-hot x nn.Linear (None: no twin)."""
    if model in DOT_MODELS:
        return model + "OneHot"
    if model in ONE_HOT_MODELS:
        return model.removesuffix("OneHot")
    return None


@dataclass(frozen=True)
class BothWays:
    """Two runs that differ only in how their tables look rows up."""

    embedding: RunSummary
    one_hot: RunSummary
    max_loss_diff: float  # the largest |difference| of their batch losses at the same steps
    embedding_epoch_s: float
    one_hot_epoch_s: float


def both_ways(a: RunSummary, b: RunSummary) -> BothWays | None:
    """a and b as a pair trained both ways (the same settings but the model's twin), or None."""
    if twin(a.config.model) != b.config.model:
        return None
    if replace(a.config, model=b.config.model) != b.config or a.steps != b.steps:
        return None
    emb, one_hot = (a, b) if a.config.model in DOT_MODELS else (b, a)
    diff = max((abs(x - y) for x, y in zip(emb.losses, one_hot.losses, strict=True)), default=0.0)
    return BothWays(emb, one_hot, diff, emb.epoch_s, one_hot.epoch_s)
