"""The canvas heatmap in Node against the tensor: every cell the browser would colour, show and
name on hover holds the tensor's value (explorer/view/heatmaps.py -> charts/heatmap.js)."""

from __future__ import annotations

import math

import pytest
import torch

from explorer.ui.charts.bundle import bundle
from explorer.view.heatmaps import heatmap_spec
from tests.ui.charts.node import NODE, run_js

pytestmark = pytest.mark.skipif(NODE is None, reason="Node.js is not installed")


def test_the_bundle_draws_heatmaps_too():
    assert "function drawHeatmap" in bundle("live_chart.js")


def test_each_cell_in_the_browser_is_the_tensors_value(tmp_path):
    g = torch.Generator().manual_seed(1)
    m = torch.randn(6, 4, generator=g) * torch.logspace(-3, 2, 4)
    m[2, 1], m[4, 3], m[0, 0] = math.inf, math.nan, -math.inf
    spec = heatmap_spec(m, "W", "column j", "row i")
    got = run_js(
        tmp_path,
        "heatmap.js",
        "cell, colorAt",
        spec,
        "const out = data.z.map((row, r) => row.map((_, c) => cell(data, r, c)));\n"
        "const ends = [colorAt(data.scale, 0), colorAt(data.scale, 1)];\n"
        "console.log(JSON.stringify({ out, ends }));\n",
    )
    zmax = float(m[m.isfinite()].abs().max())
    for r in range(m.shape[0]):
        for c in range(m.shape[1]):
            shown, want = got["out"][r][c], float(m[r, c])
            if math.isfinite(want):
                assert shown["text"] == f"{want:.2f}"
                torch.testing.assert_close(float(shown["hover"]), want, rtol=1e-3, atol=0)
                torch.testing.assert_close(shown["v"], want, rtol=1e-5, atol=0)
            else:  # named, and coloured at the end of the scale (inf) or at zero (nan)
                assert shown["text"] == str(want)
                assert shown["v"] == (0 if math.isnan(want) else math.copysign(zmax, want))
    first, last = spec["scale"][0][1], spec["scale"][-1][1]
    assert [f"rgb({','.join(map(str, e))})" for e in got["ends"]] == [first, last]
