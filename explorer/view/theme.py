"""Every colour and the type the app draws with, for both renderers: plotly's figures and the
canvases (`canvas_style`, sent with each canvas spec; the JavaScript declares none)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

LOOKUP = "#1f77b4"  # the Embedding path
PRODUCT = "#d62728"  # the one-hot x Linear path
HIGHLIGHT = "#ff7f0e"  # looked-up rows, the selected item
BASELINE = "#7f7f7f"
DIVERGING = "RdBu_r"  # weights and gradients: zero is white, below it blue, above it red
SEQUENTIAL = "Blues"  # one-hot, counts
# Okabe and Ito's palette, safe for the common colour blindnesses: the factor plots colour at
# most MAX_GROUPS groups (the largest) with it, and the rest share OTHER, a light grey
QUALITATIVE = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#000000",  # black
    "#F0E442",  # yellow
)
MAX_GROUPS = len(QUALITATIVE)
OTHER = "#bbbbbb"
FONT = dict(family="Inter, Segoe UI, sans-serif", size=13)
CANVAS_FONT = '"Source Sans", "Source Sans Pro", sans-serif'  # the canvases: Streamlit's type
TEXT, MUTED, GRID = "#31333f", "#6b6f7b", "#e6e8ee"  # the canvases' text, ticks and grid
PRESENT_MIN_PX = 18  # presenting: no chart text smaller than this (read from the back of a room)


def canvas_style(present: bool = False) -> dict:
    """How the canvases (live charts, replay) draw their text, lines and margins; presenting,
    every text at least PRESENT_MIN_PX. Sent with each spec: the JavaScript has no look of its
    own (explorer/ui/charts/draw.js)."""
    scale = PRESENT_MIN_PX / 12 if present else 1.0
    px, title_px = round(12 * scale), round(14 * scale)
    return {
        "font": f"{px}px {CANVAS_FONT}",
        "title_font": f"600 {title_px}px {CANVAS_FONT}",
        "font_px": px,
        "text": TEXT,
        "muted": MUTED,
        "grid": GRID,
        "pad": {
            "left": round(58 * scale),
            "right": 14,
            "top": round(34 * scale),
            "bottom": round(40 * scale),
        },
        "legend_row": round(20 * scale),
    }


def label_groups(labels: Sequence[str]) -> list[tuple[str, str, np.ndarray]]:
    """(label, colour, indices) for the factor plots' legend: the MAX_GROUPS largest labels in
    sorted order, each its own colour, then the rest as one grey group, "other (n labels)".

    Nineteen genres in nineteen colours is a blob nobody can read in a room: eight can be told
    apart, by most colour-blind eyes too."""
    arr = np.asarray(labels)
    names, counts = np.unique(arr, return_counts=True)  # sorted names
    by_size = sorted(range(len(names)), key=lambda k: (-counts[k], names[k]))
    kept = sorted(names[k] for k in by_size[:MAX_GROUPS])
    groups = [
        (str(label), QUALITATIVE[k], np.flatnonzero(arr == label)) for k, label in enumerate(kept)
    ]
    rest = np.flatnonzero(~np.isin(arr, kept))
    if len(rest):
        groups.append((f"other ({len(names) - len(kept)} labels)", OTHER, rest))
    return groups


def presented(fig):
    """A plotly figure with every text at least PRESENT_MIN_PX (ticks, axis and legend
    titles, hover labels, heatmap numbers, text marks, annotations, colour bars): for a room.
    The chart's own title a little larger. Changes and returns `fig`."""
    big = PRESENT_MIN_PX
    fig.update_layout(
        font_size=big,
        title_font_size=round(big * 1.25),
        legend_font_size=big,
        legend_title_font_size=big,
        hoverlabel_font_size=big,
    )
    for axes in (fig.update_xaxes, fig.update_yaxes):
        axes(tickfont_size=big, title_font_size=big)
    for trace in fig.data:
        if "textfont" in trace:
            trace.textfont.size = max(trace.textfont.size or 0, big)
        if "colorbar" in trace:
            trace.colorbar.tickfont.size = big
            trace.colorbar.title.font.size = big
    for note in fig.layout.annotations:
        note.font.size = max(note.font.size or 0, big)
    return fig
