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
