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

    When it holds more than `cap`, the older half is thinned to every other point, so recent
    steps stay whole and a run of any length takes the same memory. The smoothed loss goes on
    from all the losses seen, thinned or not.
    """

    def __init__(self, cap: int = 10_000):
        self.cap = cap
        self.steps: list[int] = []
        self.losses: list[float] = []
        self.smoothed: list[float] = []
        self.seen = 0  # losses seen in all, thinned ones included

    def extend(self, steps: list[int], losses: list[float]) -> None:
        last = self.smoothed[-1] if self.smoothed else 0.0
        self.smoothed.extend(smooth(losses, last=last, count=self.seen))
        self.steps.extend(steps)
        self.losses.extend(losses)
        self.seen += len(losses)
        if len(self.steps) > self.cap:
            half = len(self.steps) // 2
            for name in ("steps", "losses", "smoothed"):
                values = getattr(self, name)
                setattr(self, name, values[:half:2] + values[half:])
