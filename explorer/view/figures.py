"""Plotly figure builders for the Lookup page's timing sweep and the data summary: plain data in,
a Figure out (the Lookup page's heatmaps are canvases: `heatmaps.py`).

Colours come from `theme`; the Train page's figures are in `train_figures`.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import torch

from explorer.view.theme import FONT, LOOKUP, PRODUCT

LEGEND = dict(orientation="h", yanchor="top", y=-0.3, x=0, xanchor="left")  # under the x title


def _base_layout(title: str, height: int) -> dict:
    return dict(
        title=dict(text=title, x=0, xanchor="left"),
        height=height,
        margin=dict(l=50, r=44, t=50, b=50),
        font=FONT,  # no template: st.plotly_chart applies the app's theme, and a named
        # template is deep-copied on every figure, which the live view cannot afford
        legend=LEGEND,
        # the tool bar stands down the right edge, in the margin: on a phone a row of tools
        # across the top covered the titles
        modebar=dict(orientation="v"),
    )


def figure(data: list, title: str, height: int = 320, **layout) -> go.Figure:
    """Every builder's Figure, made in one pass: update_layout afterwards costs the live
    view dearly."""
    return go.Figure(data=data, layout={**_base_layout(title, height), **layout})


def as_numpy(x: torch.Tensor) -> np.ndarray:
    return x.detach().cpu().double().numpy()


def sweep_figure(
    ns: list[int], lookup_s: list[float], one_hot_s: list[float], what: str
) -> go.Figure:
    """Measured time of both paths against n, log-log."""
    data = [
        go.Scatter(
            x=ns,
            y=[t * 1e3 for t in times],
            name=name,
            mode="lines+markers",
            line=dict(color=colour),
        )
        for name, times, colour in (
            ("Embedding lookup", lookup_s, LOOKUP),
            ("one-hot x Linear", one_hot_s, PRODUCT),
        )
    ]
    return figure(
        data,
        f"Measured time, {what}",
        xaxis=dict(type="log", title="n (rows in the table)"),
        yaxis=dict(type="log", title="milliseconds"),
    )


def histogram_figure(values: torch.Tensor, title: str = "Ratings") -> go.Figure:
    """Counts of each rating value."""
    vals, counts = torch.unique(values, return_counts=True)
    bars = go.Bar(x=vals.tolist(), y=counts.tolist(), marker_color=LOOKUP)
    return figure([bars], title, 260, xaxis=dict(title="rating"), yaxis=dict(title="count"))
