"""Plotly figure builders for the Lookup page and the data summary: plain data in, a Figure out.

Colours come from `theme`; the Train page's figures are in `train_figures`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
import torch

from explorer.view.theme import DIVERGING, FONT, HIGHLIGHT, LOOKUP, PRODUCT, SEQUENTIAL

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


def heatmap_figure(
    matrix: torch.Tensor,
    title: str,
    x_title: str,
    y_title: str,
    highlight_rows: Sequence[int] = (),
    diverging: bool = True,
) -> go.Figure:
    """A 2-D tensor as a heatmap, row 0 on top, with optional rows outlined."""
    raw = as_numpy(matrix)
    finite = np.abs(raw[np.isfinite(raw)])
    zmax = float(finite.max()) if finite.size and finite.max() > 0 else 1.0
    # inf and NaN get the end and the middle of the scale, and say what they are in the cell
    z = np.nan_to_num(raw, nan=0.0, posinf=zmax, neginf=-zmax)
    text = np.where(np.isfinite(raw), np.char.mod("%.2f", raw), raw.astype(str))
    heatmap = go.Heatmap(
        z=z,
        colorscale=DIVERGING if diverging else SEQUENTIAL,
        zmin=-zmax if diverging else 0,
        zmax=zmax,
        hoverongaps=False,
        hovertemplate=f"{y_title} %{{y}}, {x_title} %{{x}}: %{{text}}<extra></extra>",
        text=text,
        texttemplate="%{text}" if z.size <= 300 else None,  # small tables show their numbers
    )
    outlines = [
        dict(
            type="rect",
            x0=-0.5,
            x1=z.shape[1] - 0.5,
            y0=r - 0.5,
            y1=r + 0.5,
            line=dict(color=HIGHLIGHT, width=3),
        )
        for r in sorted(set(highlight_rows))
    ]
    return figure(
        [heatmap],
        title,
        min(520, 160 + 26 * z.shape[0]),
        shapes=outlines,
        xaxis=dict(title=x_title, dtick=1 if z.shape[1] <= 30 else None),
        yaxis=dict(title=y_title, autorange="reversed", **_row_ticks(z.shape[0], highlight_rows)),
    )


def _row_ticks(rows: int, highlight_rows: Sequence[int]) -> dict:
    """Tick every row of a short table; of a tall one, every k-th row and every row outlined,
    so a looked-up row always has its number."""
    if rows <= 30:
        return dict(tickvals=list(range(rows)))
    step = -(-rows // 15)
    marked = sorted(set(range(0, rows, step)) | {r for r in highlight_rows if 0 <= r < rows})
    return dict(tickvals=marked)


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
