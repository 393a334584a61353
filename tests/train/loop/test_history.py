"""The loss history: fastai's smoothing, continued across batches, and thinning to draw."""

import torch

from explorer.train.loop.history import LossHistory, smooth, thinned_loss
from tests.conftest import ema_oracle


def test_smooth_is_fastais_debiased_moving_average():
    values = torch.linspace(2.0, 0.5, 50, dtype=torch.float64).tolist()
    torch.testing.assert_close(
        torch.tensor(smooth(values), dtype=torch.float64), ema_oracle(values)
    )


def test_thinned_loss_keeps_every_kth_point_and_short_runs_whole():
    losses = [float(i % 7) for i in range(25)]
    steps = list(range(25))
    s, raw, smoothed = thinned_loss(steps, losses, max_points=10)
    assert s == steps[::3] and raw == losses[::3]
    torch.testing.assert_close(torch.tensor(smoothed, dtype=torch.float64), ema_oracle(losses)[::3])
    assert thinned_loss(steps, losses, 25)[0] == steps


def test_smooth_goes_on_from_a_series_already_smoothed():
    values = torch.rand(40, generator=torch.Generator().manual_seed(3), dtype=torch.float64)
    head = smooth(values[:25].tolist())
    tail = smooth(values[25:].tolist(), last=head[-1], count=25)
    torch.testing.assert_close(
        torch.tensor(head + tail, dtype=torch.float64), ema_oracle(values.tolist())
    )


def test_the_history_stays_within_its_cap_evenly_spaced_with_the_newest_step():
    h = LossHistory(cap=100)
    values = torch.rand(1000, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    for start in range(0, 1000, 10):
        h.extend(list(range(start + 1, start + 11)), values[start : start + 10].tolist())
        assert len(h.steps) <= 100 and len(h.steps) == len(h.losses) == len(h.smoothed)
        assert h.steps[-1] == start + 10  # the newest step is always there
    assert h.seen == 1000 and h.steps == sorted(h.steps) and len(h.steps) >= 50
    gaps = {b - a for a, b in zip(h.steps[:-2], h.steps[1:-1], strict=True)}
    assert gaps == {h.spacing}  # every stretch of the run keeps its share
    assert h.losses == [values[s - 1].item() for s in h.steps]
    # the smoothed loss of each kept step is fastai's over every loss, thinned or not
    oracle = ema_oracle(values.tolist())
    kept = torch.tensor(h.steps) - 1
    torch.testing.assert_close(torch.tensor(h.smoothed, dtype=torch.float64), oracle[kept])


def test_a_long_runs_first_fall_keeps_its_points():
    h = LossHistory(cap=1000)
    for start in range(0, 100_000, 10):
        h.extend(list(range(start + 1, start + 11)), [1.0 / (start + 1)] * 10)
    first = [s for s in h.steps if s <= 1000]  # the first 1% of the run
    assert len(first) >= 0.01 * len(h.steps) // 2 >= 2  # its share, not one straight segment
