"""Every colour and the type the app draws with, for both renderers (plotly and the canvas)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

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


def label_groups(labels: Sequence[str]) -> list[tuple[str, str, np.ndarray]]:
    """(label, colour, indices) for each distinct label, sorted: the factor plots' legend."""
    arr = np.asarray(labels)
    return [
        (label, QUALITATIVE[k % len(QUALITATIVE)], np.flatnonzero(arr == label))
        for k, label in enumerate(sorted(set(labels)))
    ]
