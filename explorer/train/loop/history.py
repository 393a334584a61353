"""A run's loss history as fastai's Recorder keeps it: smoothed as it arrives, thinned to draw."""

from __future__ import annotations


def smooth(
    values: list[float], beta: float = 0.9, last: float = 0.0, count: int = 0
) -> list[float]:
    """fastai's smoothed loss: a debiased exponential moving average.

    To go on with a series already smoothed, pass its last smoothed value and its length: the
    result is then the same as smoothing the whole series again, at the cost of the new part.
    """
    out, avg = [], last * (1 - beta**count)
    for i, v in enumerate(values, start=count + 1):
        avg = beta * avg + (1 - beta) * v
        out.append(avg / (1 - beta**i))
    return out


def thinned_loss(
    steps: list[int], losses: list[float], max_points: int, smoothed: list[float] | None = None
) -> tuple[list[int], list[float], list[float]]:
    """(steps, losses, smoothed), every k-th point so at most max_points are drawn; smoothed
    over all of them first (or given: a TrainingRun keeps it as the losses arrive)."""
    smoothed = smooth(losses) if smoothed is None else smoothed
    if len(steps) <= max_points:
        return steps, losses, smoothed
    k = -(-len(steps) // max_points)
    return steps[::k], losses[::k], smoothed[::k]


class LossHistory:
    """A run's steps, losses and smoothed losses, within a fixed number of points.

    It keeps every `spacing`-th loss, and the newest: when it would hold `cap`, it drops every
    other point and doubles the spacing. So a run of any length takes the same memory, and
    every stretch of the run keeps its share of the points: the first fall of the loss stays
    a curve. The smoothed loss goes on from all the losses seen, thinned or not.
    """

    def __init__(self, cap: int = 10_000):
        self.cap = cap
        self.steps: list[int] = []
        self.losses: list[float] = []
        self.smoothed: list[float] = []
        self.seen = 0  # losses seen in all, thinned ones included
        self.spacing = 1
        self.tail = False  # whether the last point is the newest, off the spacing

    def _columns(self) -> tuple[list, list, list]:
        return self.steps, self.losses, self.smoothed

    def extend(self, steps: list[int], losses: list[float]) -> None:
        if not losses:
            return
        last = self.smoothed[-1] if self.smoothed else 0.0  # the newest is always kept
        new = list(zip(steps, losses, smooth(losses, last=last, count=self.seen), strict=True))
        if self.tail:  # the last newest point gives way
            for column in self._columns():
                column.pop()
        for j, point in enumerate(new, start=self.seen):
            if j % self.spacing == 0:
                for column, value in zip(self._columns(), point, strict=True):
                    column.append(value)
        self.seen += len(new)
        while len(self.steps) >= self.cap:
            self.steps, self.losses, self.smoothed = (c[::2] for c in self._columns())
            self.spacing *= 2
        self.tail = (self.seen - 1) % self.spacing != 0
        if self.tail:
            for column, value in zip(self._columns(), new[-1], strict=True):
                column.append(value)
