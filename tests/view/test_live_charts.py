"""The live view's canvas specs: the same data, colours and heights as the plotly figures."""

import json
import math

import pytest
import torch

from explorer.view import live_charts, theme
from tests.conftest import ema_oracle


def sent(spec: dict) -> dict:
    """What the browser receives: strict JSON (no NaN), parsed back."""
    return json.loads(json.dumps(spec, allow_nan=False))


def test_loss_spec_thins_the_raw_loss_and_smooths_over_every_step():
    g = torch.Generator().manual_seed(0)
    losses = (torch.rand(1000, generator=g, dtype=torch.float64) + 0.5).tolist()
    steps = list(range(1, 1001))
    spec = sent(live_charts.loss_spec(steps, losses, max_points=300))
    raw, smoothed = spec["series"]
    assert spec["kind"] == "lines" and spec["height"] == 340
    k = math.ceil(1000 / 300)
    assert raw["x"] == steps[::k] and len(raw["x"]) <= 300
    torch.testing.assert_close(
        torch.tensor(raw["y"], dtype=torch.float64),
        torch.tensor(losses[::k], dtype=torch.float64),
        atol=1e-5,
        rtol=0,
    )
    # smoothed over all 1000 steps, then thinned: not the EMA of the thinned points
    torch.testing.assert_close(
        torch.tensor(smoothed["y"], dtype=torch.float64), ema_oracle(losses)[::k], atol=1e-5, rtol=0
    )
    assert f"{ema_oracle(losses)[::k][-1]:.4f}" in spec["summary"]


def test_a_non_finite_loss_is_a_gap_not_invalid_json():
    spec = sent(live_charts.loss_spec([1, 2, 3], [0.5, float("nan"), float("inf")], 10))
    assert spec["series"][0]["y"] == [0.5, None, None]


def test_rmse_spec_draws_each_baseline_flat_over_the_run_and_titles_the_latest():
    spec = sent(
        live_charts.rmse_spec([100, 200], [1.2, 0.95], {"global mean": 1.15, "biases": 1.0})
    )
    rmse, mean, biases = spec["series"]
    assert rmse["x"] == [100, 200] and rmse["y"] == [1.2, 0.95] and rmse["markers"]
    assert mean["x"] == [0, 200] and mean["y"] == [1.15, 1.15] and mean["dash"] == "dash"
    assert biases["y"] == [1.0, 1.0] and biases["dash"] == "dot"
    assert mean["name"] == "global mean 1.150"
    assert spec["title"] == "Validation RMSE per epoch: 0.9500 after epoch 2"
    assert live_charts.rmse_spec([], [], {})["title"] == "Validation RMSE per epoch"


def test_planted_spec_is_fixed_to_zero_one_and_titles_the_latest_r2():
    spec = sent(live_charts.planted_spec([(10, 0.2), (20, 0.76)]))
    assert spec["y_range"] == [0.0, 1.0]
    assert spec["series"][0]["x"] == [10, 20] and spec["series"][0]["name"] == ""
    assert spec["title"].endswith("R² 0.76")


def test_factor_spec_puts_each_point_in_its_label_group_with_its_name():
    g = torch.Generator().manual_seed(1)
    coords = torch.randn(12, 2, generator=g)
    labels = ["b", "a", "c"] * 4
    names = [f"item {i}" for i in range(12)]
    spec = sent(live_charts.factor_spec(coords, labels, names, "Item factors"))
    assert spec["kind"] == "points" and spec["height"] == 480
    assert [s["name"] for s in spec["series"]] == ["a", "b", "c"]  # plotly's legend order
    assert [s["color"] for s in spec["series"]] == list(theme.QUALITATIVE[:3])
    seen = []
    for s in spec["series"]:
        rows = [i for i, lab in enumerate(labels) if lab == s["name"]]
        assert s["text"] == [names[i] for i in rows]
        torch.testing.assert_close(
            torch.tensor([s["x"], s["y"]]).T, coords[rows], atol=1e-5, rtol=0
        )
        seen += rows
    assert sorted(seen) == list(range(12))


@pytest.mark.parametrize(
    "call",
    [
        lambda: live_charts.factor_spec(torch.zeros(3, 2), ["a", "b"], ["x", "y", "z"], "t"),
        lambda: live_charts.factor_spec(torch.zeros(3, 3), ["a"] * 3, ["x"] * 3, "t"),
        lambda: live_charts.series("s", [1, 2], [1], "#000"),
        lambda: live_charts.chart("bars", "t", [], x_title="", y_title="", height=10),
    ],
)
def test_mismatched_inputs_raise_a_clear_error(call):
    with pytest.raises(ValueError):
        call()
