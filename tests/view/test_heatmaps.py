"""The Lookup page's heatmap specs: the tensor's values, its non-finite cells, ticks, outlines."""

import json
import math

import plotly.colors
import pytest
import torch

from explorer.view import heatmaps
from explorer.view.theme import DIVERGING, HIGHLIGHT, SEQUENTIAL


def test_the_cells_are_the_tensors_values_row_0_on_top():
    w = torch.randn(5, 3, generator=torch.Generator().manual_seed(0))
    spec = heatmaps.heatmap_spec(w, "W", "column j", "row i", highlight_rows=[3, 1, 3])
    json.dumps(spec, allow_nan=False)  # plain JSON: no NaN, no inf, no tensor
    z = torch.tensor(spec["z"], dtype=torch.float64)
    torch.testing.assert_close(z, w.double(), rtol=1e-5, atol=0)
    zmax = float(w.abs().max())
    assert spec["zmin"] == pytest.approx(-zmax) and spec["zmax"] == pytest.approx(zmax)
    assert spec["highlight_rows"] == [1, 3] and spec["highlight"] == HIGHLIGHT
    assert spec["y_ticks"] == [0, 1, 2, 3, 4] and spec["x_ticks"] == [0, 1, 2]
    assert spec["numbers"] and spec["special"] == []
    assert "rows 1, 3 outlined" in spec["summary"] and "5 rows by 3 columns" in spec["summary"]


def test_non_finite_cells_are_named_and_left_out_of_the_scale():
    m = torch.tensor([[1.0, math.inf], [math.nan, -2.0], [-math.inf, 0.5]])
    spec = heatmaps.heatmap_spec(m, "t", "x", "y")
    json.dumps(spec, allow_nan=False)
    assert spec["z"] == [[1.0, None], [None, -2.0], [None, 0.5]]
    assert spec["special"] == [[0, 1, "inf"], [1, 0, "nan"], [2, 0, "-inf"]]
    assert spec["zmax"] == 2.0 and spec["zmin"] == -2.0


def test_a_sequential_table_starts_at_zero_and_a_large_one_hides_its_numbers():
    one_hot = torch.nn.functional.one_hot(torch.arange(40) % 20, 20).float()
    spec = heatmaps.heatmap_spec(one_hot, "one_hot", "col", "sample", diverging=False)
    assert spec["zmin"] == 0.0 and spec["zmax"] == 1.0
    assert spec["scale"] == heatmaps.scale(SEQUENTIAL) != heatmaps.scale(DIVERGING)
    assert not spec["numbers"]  # 800 cells: colour only
    assert spec["height"] == 520  # capped
    assert 0 in spec["y_ticks"] and len(spec["y_ticks"]) <= 16


def test_a_tall_table_ticks_every_outlined_row():
    spec = heatmaps.heatmap_spec(torch.zeros(1000, 4), "W", "j", "i", highlight_rows=[997, 5000])
    assert 997 in spec["y_ticks"] and spec["highlight_rows"] == [997]  # 5000 is not a row
    assert spec["zmax"] == 1.0  # all zeros: a scale that still has a width


def test_the_scale_is_plotlys_named_scale():
    assert heatmaps.scale(DIVERGING)[0] == [0.0, plotly.colors.get_colorscale(DIVERGING)[0][1]]
    assert heatmaps.scale(DIVERGING)[-1][0] == 1.0


def test_only_2d_tensors():
    with pytest.raises(ValueError, match="2-D"):
        heatmaps.heatmap_spec(torch.zeros(2, 2, 2), "t", "x", "y")


def test_a_tall_table_labels_every_looked_up_row_and_a_short_one_every_row():
    spec = heatmaps.heatmap_spec(torch.zeros(200, 3), "W", "j", "i", highlight_rows=[7, 133])
    assert {7, 133} <= set(spec["y_ticks"]) and len(spec["y_ticks"]) <= 20
    assert heatmaps.heatmap_spec(torch.zeros(12, 3), "W", "j", "i")["y_ticks"] == list(range(12))


def test_no_regular_tick_crowds_an_outlined_rows_number():
    ticks = heatmaps.row_ticks(300, [5, 77, 250])
    assert {5, 77, 250} <= set(ticks) and 0 not in ticks and 80 not in ticks and 240 not in ticks
    assert min(b - a for a, b in zip(ticks, ticks[1:], strict=False)) > 20 // 2
