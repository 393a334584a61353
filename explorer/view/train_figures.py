"""Plotly figures of a training run: loss, RMSE, factors, recovery, predicted against actual.

The live canvases in `live_charts` draw the same data in the same colours and heights.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
import torch

from explorer.train.loop.history import thinned_loss
from explorer.view.figures import LEGEND, as_numpy, figure
from explorer.view.labels import padded_range, titles_for
from explorer.view.theme import BASELINE, LOOKUP, PRODUCT, label_groups


def _earlier(curves: list[tuple[str, list, list]], dash: str = "dot") -> list[go.Scatter]:
    """Earlier runs' curves, faint and grey, named for the legend."""
    return [
        go.Scatter(
            x=x,
            y=y,
            name=name,
            mode="lines",
            opacity=0.45,
            line=dict(color=BASELINE, width=1.5, dash=dash),
        )
        for name, x, y in curves
    ]


def loss_figure(
    steps: list[int],
    losses: list[float],
    max_points: int = 500,
    smoothed: list[float] | None = None,
    earlier: list[tuple[str, list, list]] = (),
) -> go.Figure:
    """Training loss per batch, raw and smoothed; earlier runs' smoothed curves, faint."""
    steps, losses, smoothed = thinned_loss(steps, losses, max_points, smoothed)
    data = [
        go.Scatter(
            x=steps,
            y=losses,
            name="batch loss",
            mode="lines",
            opacity=0.3,
            line=dict(color=LOOKUP, width=1),
        ),
        go.Scatter(
            x=steps, y=smoothed, name="smoothed", mode="lines", line=dict(color=LOOKUP, width=2)
        ),
        *_earlier(list(earlier)),
    ]
    return figure(
        data, "Training loss per batch", 340, xaxis=dict(title="step"), yaxis=dict(title="MSE")
    )


def rmse_figure(
    epoch_steps: list[int],
    valid_rmse: list[float],
    baselines: dict[str, float],
    earlier: list[tuple[str, list, list]] = (),
) -> go.Figure:
    """Validation RMSE per epoch, with each baseline as a flat dashed line; earlier runs'
    curves faint."""
    x_end = max(epoch_steps or [1])
    data = [
        *_earlier(list(earlier), dash="solid"),
        go.Scatter(
            x=epoch_steps,
            y=valid_rmse,
            name="validation RMSE",
            mode="lines+markers",
            line=dict(color=PRODUCT, width=2),
        ),
    ]
    for k, (name, value) in enumerate(baselines.items()):
        data.append(
            go.Scatter(
                x=[0, x_end],
                y=[value, value],
                name=f"{name} {value:.3f}",
                mode="lines",
                line=dict(color=BASELINE, dash=("dash", "dot")[k % 2]),
            )
        )
    return figure(
        data, "Validation RMSE per epoch", 340, xaxis=dict(title="step"), yaxis=dict(title="RMSE")
    )


def factor_figure(
    coords: torch.Tensor,
    labels: list[str],
    names: list[str],
    ids: list[int],
    title: str,
    selected: int | None = None,
    found: Sequence[int] = (),
    labelled: Sequence[int] = (),
    font_px: float = 13,
) -> go.Figure:
    """Factors projected to 2-D, coloured by label, names on hover; ids in customdata.
    found: ids ringed (a search's matches); labelled: ids whose names are written beside them
    where there is room (most important first; labels.py places them so none overlap).
    One click on a legend entry shows that group alone."""
    xy = as_numpy(coords)
    names_arr, ids_arr = np.asarray(names), np.asarray(ids)
    data = []
    for label, colour, m in label_groups(labels):
        data.append(
            go.Scatter(
                x=xy[m, 0],
                y=xy[m, 1],
                mode="markers",
                name=label,
                text=names_arr[m],
                customdata=ids_arr[m],
                marker=dict(size=7, color=colour, opacity=0.8),
                hovertemplate="%{text}<extra>%{fullData.name}</extra>",
            )
        )
    where = {i: k for k, i in enumerate(ids)}
    rings = [where[i] for i in found if i in where]
    if rings:
        data.append(
            _at(
                xy,
                rings,
                mode="markers",
                name=f"found ({len(rings)})",
                text=names_arr[rings],
                marker=dict(size=15, color="rgba(0,0,0,0)", line=dict(color="black", width=2)),
                hovertemplate="%{text}<extra>found</extra>",
            )
        )
    placed = titles_for(xy, names, [where[i] for i in labelled if i in where], font_px)
    named = list(placed)
    if named:
        data.append(
            _at(
                xy,
                named,
                mode="text",
                text=[placed[r][0] for r in named],
                textposition=[placed[r][1] for r in named],
                textfont=dict(size=font_px, color="#31333f"),
                showlegend=False,
                hoverinfo="skip",
            )
        )
    if selected is not None and selected in set(ids):
        j = int(np.flatnonzero(ids_arr == selected)[0])
        data.append(
            _at(
                xy,
                [j],
                mode="markers",
                name="selected",
                marker=dict(size=16, color="rgba(0,0,0,0)", line=dict(color="black", width=2)),
                hoverinfo="skip",
            )
        )
    return figure(
        data,
        title,
        480,
        # the range the titles were placed on (labels.py), not plotly's, which grows for text
        xaxis=dict(title="PC 1", zeroline=False, range=padded_range(xy[:, 0]) if len(xy) else None),
        yaxis=dict(title="PC 2", zeroline=False, range=padded_range(xy[:, 1]) if len(xy) else None),
        legend={**LEGEND, "itemclick": "toggleothers", "itemdoubleclick": "toggle"},
    )


def _at(xy: np.ndarray, rows: list[int], **kw) -> go.Scatter:
    """A trace over some of the plot's points (a ring, a label): rows index xy."""
    return go.Scatter(x=xy[rows, 0], y=xy[rows, 1], **kw)


def planted_figure(points: list[tuple[int, float]]) -> go.Figure:
    """How much of the planted item factors the learned ones explain, over training."""
    data = [
        go.Scatter(
            x=[p[0] for p in points],
            y=[p[1] for p in points],
            mode="lines+markers",
            line=dict(color=LOOKUP),
        )
    ]
    return figure(
        data,
        "Planted genres recovered",
        280,
        xaxis=dict(title="step"),
        yaxis=dict(range=[0, 1], title="R² of the planted factors"),
    )


def pred_actual_figure(pred: torch.Tensor, actual: torch.Tensor) -> go.Figure:
    """Predicted ratings grouped by the actual rating, as box plots."""
    p, a = as_numpy(pred), as_numpy(actual)
    boxes = [
        go.Box(y=p[a == value], name=f"{value:g}", marker_color=LOOKUP, boxpoints=False)
        for value in np.unique(a)
    ]
    return figure(
        boxes,
        "Predicted against actual (validation)",
        320,
        xaxis=dict(title="actual rating"),
        yaxis=dict(title="predicted rating"),
    )


def contributions_figure(product: torch.Tensor, title: str) -> go.Figure:
    """One bar per factor: user_row * item_row, up in one colour, down in the other."""
    values = as_numpy(product)
    colours = [LOOKUP if v >= 0 else PRODUCT for v in values]
    bars = go.Bar(x=list(range(len(values))), y=values, marker_color=colours)
    return figure(
        [bars],
        title,
        300,
        xaxis=dict(title="factor", dtick=max(1, len(values) // 25)),
        yaxis=dict(title="user x item"),
        showlegend=False,
    )
