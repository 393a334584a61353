"""Plot builders: plain data in, a plotly Figure out. Colours and theme live in one block."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
import torch

from explorer.analysis import smooth

# --- theme: every colour the app draws with -------------------------------------------------
LOOKUP = "#1f77b4"  # the Embedding path
PRODUCT = "#d62728"  # the one-hot x Linear path
HIGHLIGHT = "#ff7f0e"  # looked-up rows, the selected item
BASELINE = "#7f7f7f"
DIVERGING = "RdBu"  # weights and gradients: zero is white, sign is colour
SEQUENTIAL = "Blues"  # one-hot, counts
QUALITATIVE = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
    "#393b79",
    "#637939",
    "#8c6d31",
    "#843c39",
    "#7b4173",
    "#3182bd",
    "#e6550d",
    "#31a354",
    "#756bb1",
)
FONT = dict(family="Inter, Segoe UI, sans-serif", size=13)


def _base_layout(title: str, height: int) -> dict:
    return dict(
        title=dict(text=title, x=0, xanchor="left"),
        height=height,
        margin=dict(l=50, r=20, t=50, b=40),
        font=FONT,  # no template: st.plotly_chart applies the app's theme, and a named
        # template is deep-copied on every figure, which the live view cannot afford
        legend=dict(orientation="h", yanchor="top", y=-0.2, x=0, xanchor="left"),
    )


def _figure(data: list, title: str, height: int = 320, **layout) -> go.Figure:
    """Every builder's Figure, made in one pass: update_layout afterwards costs the live
    view dearly."""
    return go.Figure(data=data, layout={**_base_layout(title, height), **layout})


def _np(x: torch.Tensor) -> np.ndarray:
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
    raw = _np(matrix)
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
    return _figure(
        [heatmap],
        title,
        min(520, 160 + 26 * z.shape[0]),
        shapes=outlines,
        xaxis=dict(title=x_title, dtick=1 if z.shape[1] <= 30 else None),
        yaxis=dict(title=y_title, autorange="reversed"),
    )


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
    return _figure(
        data,
        f"Measured time, {what}",
        xaxis=dict(type="log", title="n (rows in the table)"),
        yaxis=dict(type="log", title="milliseconds"),
    )


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


def label_groups(labels: Sequence[str]) -> list[tuple[str, str, np.ndarray]]:
    """(label, colour, indices) for each distinct label, sorted: the factor plots' legend."""
    arr = np.asarray(labels)
    return [
        (label, QUALITATIVE[k % len(QUALITATIVE)], np.flatnonzero(arr == label))
        for k, label in enumerate(sorted(set(labels)))
    ]


def loss_figure(
    steps: list[int],
    losses: list[float],
    max_points: int = 500,
    smoothed: list[float] | None = None,
) -> go.Figure:
    """Training loss per batch, raw and smoothed."""
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
    ]
    return _figure(
        data, "Training loss per batch", 340, xaxis=dict(title="step"), yaxis=dict(title="MSE")
    )


def rmse_figure(
    epoch_steps: list[int], valid_rmse: list[float], baselines: dict[str, float]
) -> go.Figure:
    """Validation RMSE per epoch, with each baseline as a flat dashed line."""
    x_end = max(epoch_steps or [1])
    data = [
        go.Scatter(
            x=epoch_steps,
            y=valid_rmse,
            name="validation RMSE",
            mode="lines+markers",
            line=dict(color=PRODUCT, width=2),
        )
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
    return _figure(
        data, "Validation RMSE per epoch", 340, xaxis=dict(title="step"), yaxis=dict(title="RMSE")
    )


def factor_figure(
    coords: torch.Tensor,
    labels: list[str],
    names: list[str],
    ids: list[int],
    title: str,
    selected: int | None = None,
) -> go.Figure:
    """Factors projected to 2-D, coloured by label, names on hover; ids in customdata."""
    xy = _np(coords)
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
    if selected is not None and selected in set(ids):
        j = int(np.flatnonzero(ids_arr == selected)[0])
        data.append(
            go.Scatter(
                x=[xy[j, 0]],
                y=[xy[j, 1]],
                mode="markers",
                name="selected",
                marker=dict(size=16, color="rgba(0,0,0,0)", line=dict(color="black", width=2)),
                hoverinfo="skip",
            )
        )
    return _figure(
        data,
        title,
        480,
        xaxis=dict(title="PC 1", zeroline=False),
        yaxis=dict(title="PC 2", zeroline=False),
    )


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
    return _figure(
        data,
        "Planted genres recovered",
        280,
        xaxis=dict(title="step"),
        yaxis=dict(range=[0, 1], title="R² of the planted factors"),
    )


def histogram_figure(values: torch.Tensor, title: str = "Ratings") -> go.Figure:
    """Counts of each rating value."""
    vals, counts = torch.unique(values, return_counts=True)
    bars = go.Bar(x=vals.tolist(), y=counts.tolist(), marker_color=LOOKUP)
    return _figure([bars], title, 260, xaxis=dict(title="rating"), yaxis=dict(title="count"))


def pred_actual_figure(pred: torch.Tensor, actual: torch.Tensor) -> go.Figure:
    """Predicted ratings grouped by the actual rating, as box plots."""
    p, a = _np(pred), _np(actual)
    boxes = [
        go.Box(y=p[a == value], name=f"{value:g}", marker_color=LOOKUP, boxpoints=False)
        for value in np.unique(a)
    ]
    return _figure(
        boxes,
        "Predicted against actual (validation)",
        320,
        xaxis=dict(title="actual rating"),
        yaxis=dict(title="predicted rating"),
    )
