"""The live view's charts while a model trains, as plain specs for a canvas.

`explorer/ui/live_chart.js` draws each spec on one <canvas>. The finished run is drawn with
the plotly builders in `train_figures.py` (hover, zoom, click to pick an item), from the same
data, colours (`theme.py`) and heights, so the page does not jump when training ends. Why two
renderers: a plotly redraw costs the browser 100-170 ms a chart, and on a small machine the
browser shares the cores with the training worker (bench/live_overhead.py measures both).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import torch

from explorer.train.loop.history import thinned_loss
from explorer.view import theme
from explorer.view.labels import titles_for

DIGITS = 5  # decimals sent to the browser: far below a pixel, and a much smaller message


def _numbers(values) -> list[float | None]:
    """Rounded floats for JSON; NaN and inf become None (JSON has no NaN: a gap in the line)."""
    arr = np.round(np.asarray(values, dtype=np.float64), DIGITS)
    return [v if math.isfinite(v) else None for v in arr.tolist()]


def series(
    name: str,
    x: Sequence[float],
    y: Sequence[float],
    color: str,
    *,
    width: float = 2.0,
    alpha: float = 1.0,
    dash: str | None = None,
    markers: bool = False,
    text: Sequence[str] | None = None,
) -> dict:
    """One line or group of points; `text` is shown on hover. An empty name: no legend entry."""
    if len(x) != len(y) or (text is not None and len(text) != len(x)):
        raise ValueError(f"series {name!r}: x, y and text must have one entry per point")
    out = dict(
        name=name,
        x=_numbers(x),
        y=_numbers(y),
        color=color,
        width=width,
        alpha=alpha,
        dash=dash,
        markers=markers,
    )
    if text is not None:
        out["text"] = [str(t) for t in text]
    return out


def chart(
    kind: str,
    title: str,
    data: list[dict],
    *,
    x_title: str,
    y_title: str,
    height: int,
    y_range: tuple[float, float] | None = None,
    summary: str = "",
) -> dict:
    """A whole chart: `kind` is "lines" or "points"; `summary` is read out by screen readers."""
    if kind not in ("lines", "points"):
        raise ValueError(f"kind must be 'lines' or 'points', not {kind!r}")
    return dict(
        kind=kind,
        title=title,
        series=data,
        x_title=x_title,
        y_title=y_title,
        height=height,
        y_range=list(y_range) if y_range else None,
        summary=summary,
    )


def _earlier(curves) -> list[dict]:
    """Earlier runs' curves, faint and grey, as train_figures draws them."""
    return [series(name, x, y, theme.BASELINE, width=1.5, alpha=0.45) for name, x, y in curves]


def loss_spec(
    steps: list[int],
    losses: list[float],
    max_points: int,
    smoothed: list[float] | None = None,
    earlier=(),
) -> dict:
    """Training loss per batch, raw and smoothed: `train_figures.loss_figure` on a canvas."""
    steps, losses, smoothed = thinned_loss(steps, losses, max_points, smoothed)
    return chart(
        "lines",
        "Training loss per batch",
        [
            series("batch loss", steps, losses, theme.LOOKUP, width=1, alpha=0.3),
            series("smoothed", steps, smoothed, theme.LOOKUP),
            *_earlier(earlier),
        ],
        x_title="step",
        y_title="MSE",
        height=340,
        summary=f"smoothed loss {smoothed[-1]:.4f} at step {steps[-1]:,}" if steps else "",
    )


def rmse_spec(
    epoch_steps: list[int], valid_rmse: list[float], baselines: dict[str, float], earlier=()
) -> dict:
    """Validation RMSE per epoch with the baselines as flat lines: `train_figures.rmse_figure`, with
    the latest value in the title (the live view shows no separate number)."""
    x_end = max(epoch_steps or [1])
    data = [
        *_earlier(earlier),
        series("validation RMSE", epoch_steps, valid_rmse, theme.PRODUCT, markers=True),
    ]
    for k, (name, value) in enumerate(baselines.items()):
        data.append(
            series(
                f"{name} {value:.3f}",
                [0, x_end],
                [value, value],
                theme.BASELINE,
                width=1.5,
                dash=("dash", "dot")[k % 2],
            )
        )
    latest = f": {valid_rmse[-1]:.4f} after epoch {len(valid_rmse)}" if valid_rmse else ""
    return chart(
        "lines",
        "Validation RMSE per epoch" + latest,
        data,
        x_title="step",
        y_title="RMSE",
        height=340,
        summary=f"validation RMSE {valid_rmse[-1]:.4f}" if valid_rmse else "no epoch yet",
    )


def planted_spec(points: list[tuple[int, float]]) -> dict:
    """R² of the planted item factors over training, the latest in the title:
    `train_figures.planted_figure`."""
    return chart(
        "lines",
        "Planted genres recovered" + (f": R² {points[-1][1]:.2f}" if points else ""),
        [
            series(
                "",
                [p[0] for p in points],
                [p[1] for p in points],
                theme.LOOKUP,
                markers=True,
            )
        ],
        x_title="step",
        y_title="R² of the planted factors",
        height=280,
        y_range=(0.0, 1.0),
        summary=f"R² {points[-1][1]:.2f}" if points else "",
    )


def factor_spec(
    coords: torch.Tensor,
    labels: list[str],
    names: list[str],
    title: str,
    titled: Sequence[int] = (),
    font_px: float = 12,
) -> dict:
    """Factors projected to 2-D, one colour a label, names on hover: `train_figures.factor_figure`.
    titled: rows whose titles are written beside them where there is room (labels.py), most
    important first; each series then carries `titles` and `label_pos` per point.

    coords: (n, 2)."""
    if coords.shape != (len(labels), 2) or len(names) != len(labels):
        raise ValueError("factor_spec needs one 2-D point, one label and one name per row")
    xy = coords.detach().cpu().double().numpy()
    names_arr = np.asarray(names, dtype=object)
    data = [
        series(label, xy[m, 0], xy[m, 1], colour, alpha=0.8, text=names_arr[m].tolist())
        for label, colour, m in theme.label_groups(labels)
    ]
    placed = titles_for(xy, names, titled, font_px) if titled else {}
    if placed:
        for s, (_, _, m) in zip(data, theme.label_groups(labels), strict=True):
            s["titles"] = [placed[r][0] if r in placed else None for r in m.tolist()]
            s["label_pos"] = [placed[r][1] if r in placed else None for r in m.tolist()]
    return chart(
        "points",
        title,
        data,
        x_title="PC 1",
        y_title="PC 2",
        height=480,
        summary=f"{len(labels)} points in {len(data)} groups",
    )
