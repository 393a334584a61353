"""Plot builders: thinning, grouping and the figures' traces, against plain torch."""

import torch

from explorer import plots
from tests.conftest import ema_oracle


def test_smooth_is_fastais_debiased_moving_average():
    values = torch.linspace(2.0, 0.5, 50, dtype=torch.float64).tolist()
    torch.testing.assert_close(
        torch.tensor(plots.smooth(values), dtype=torch.float64), ema_oracle(values)
    )


def test_thinned_loss_keeps_every_kth_point_and_short_runs_whole():
    losses = [float(i % 7) for i in range(25)]
    steps = list(range(25))
    s, raw, smoothed = plots.thinned_loss(steps, losses, max_points=10)
    assert s == steps[::3] and raw == losses[::3]
    torch.testing.assert_close(torch.tensor(smoothed, dtype=torch.float64), ema_oracle(losses)[::3])
    assert plots.thinned_loss(steps, losses, 25)[0] == steps


def test_label_groups_partition_the_rows_in_sorted_order():
    groups = plots.label_groups(["x", "y", "x", "z", "y"])
    assert [(name, idx.tolist()) for name, _, idx in groups] == [
        ("x", [0, 2]),
        ("y", [1, 4]),
        ("z", [3]),
    ]
    assert [colour for _, colour, _ in groups] == list(plots.QUALITATIVE[:3])


def test_factor_figure_has_one_trace_a_label_with_the_ids_as_customdata():
    coords = torch.arange(10, dtype=torch.float32).reshape(5, 2)
    fig = plots.factor_figure(
        coords, ["a", "b", "a", "b", "a"], list("vwxyz"), [9, 8, 7, 6, 5], "t"
    )
    a, b = fig.data
    assert a.name == "a" and list(a.customdata) == [9, 7, 5] and list(a.text) == ["v", "x", "z"]
    torch.testing.assert_close(torch.tensor(list(b.x)), coords[[1, 3], 0].double())
