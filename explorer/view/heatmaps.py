"""The Lookup page's heatmaps, as plain specs for the canvas (explorer/ui/charts/heatmap.js).

A plotly heatmap made a visitor wait: the page's six of them cost the browser the plotly
bundle and a plotly render each before the first one showed (bench/page_speed.py). A canvas
draws the same cells, numbers, outlines, ticks and hover in a few milliseconds. Colours come
from `theme` (one declaration: the same named scales plotly drew with).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.colors
import torch

from explorer.view.theme import DIVERGING, HIGHLIGHT, SEQUENTIAL

NUMBERS_UP_TO = 300  # cells: a table this small shows its numbers in the cells
SIGNIFICANT = 6  # digits sent to the browser: far below what a colour or a tip can show


def scale(name: str) -> list[list]:
    """A named colour scale as [[t, "rgb(r,g,b)"], ...] stops, t from 0 to 1."""
    return [[round(float(t), 4), c] for t, c in plotly.colors.get_colorscale(name)]


def row_ticks(rows: int, highlight_rows: Sequence[int] = ()) -> list[int]:
    """Every row of a short table; of a tall one, every k-th row and every row outlined, so a
    looked-up row always has its number."""
    if rows <= 30:
        return list(range(rows))
    step = -(-rows // 15)
    marked = {r for r in highlight_rows if 0 <= r < rows}
    # a regular tick too near an outlined row's number would print over it
    regular = {r for r in range(0, rows, step) if all(abs(r - m) > step // 2 for m in marked)}
    return sorted(regular | marked)


def column_ticks(cols: int) -> list[int]:
    """Every column of a narrow table; of a wide one, about 15 evenly spaced."""
    return list(range(0, cols, 1 if cols <= 30 else -(-cols // 15)))


def _cells(raw: np.ndarray) -> tuple[list, list]:
    """Rounded finite values (None where not finite) and [row, col, "nan" | "inf" | "-inf"]
    for each cell that is not finite (JSON has no NaN or inf)."""
    finite = np.isfinite(raw)
    rounded = np.where(finite, raw, 0.0)
    with np.errstate(all="ignore"):
        mags = np.where(rounded != 0, np.floor(np.log10(np.abs(rounded))), 0)
    decimals = np.clip(SIGNIFICANT - 1 - mags, 0, 12).astype(int)
    rows = []
    for r in range(raw.shape[0]):
        rows.append(
            [
                round(float(v), int(k)) if ok else None
                for v, k, ok in zip(rounded[r], decimals[r], finite[r], strict=True)
            ]
        )
    special = [[int(r), int(c), str(raw[r, c])] for r, c in zip(*np.nonzero(~finite), strict=True)]
    return rows, special


def heatmap_spec(
    matrix: torch.Tensor,
    title: str,
    x_title: str,
    y_title: str,
    highlight_rows: Sequence[int] = (),
    diverging: bool = True,
) -> dict:
    """A 2-D tensor as a heatmap spec: row 0 on top, optional rows outlined, the numbers in
    the cells of a small table, each cell's value on hover. Diverging: zero is the scale's
    middle and the ends are +-max|value|; otherwise 0 to the max."""
    raw = matrix.detach().cpu().double().numpy()
    if raw.ndim != 2:
        raise ValueError(f"a heatmap needs a 2-D tensor, not shape {tuple(raw.shape)}")
    rows, cols = raw.shape
    values = raw[np.isfinite(raw)]
    top = float(np.abs(values).max()) if values.size else 0.0
    zmax = top if top > 0 else 1.0
    z, special = _cells(raw)
    kept = sorted({int(r) for r in highlight_rows if 0 <= r < rows})
    return {
        "kind": "heatmap",
        "title": title,
        "x_title": x_title,
        "y_title": y_title,
        "height": min(520, 160 + 26 * rows),
        "z": z,
        "special": special,  # the cells that are not finite: drawn at the scale's ends or middle
        "zmin": -zmax if diverging else 0.0,
        "zmax": zmax,
        "scale": scale(DIVERGING if diverging else SEQUENTIAL),
        "numbers": rows * cols <= NUMBERS_UP_TO,
        "highlight_rows": kept,
        "highlight": HIGHLIGHT,
        "x_ticks": column_ticks(cols),
        "y_ticks": row_ticks(rows, kept),
        "summary": (
            f"{rows} rows by {cols} columns"
            + (
                f", values from {values.min():.3g} to {values.max():.3g}"
                if values.size
                else ", no finite value"
            )
            + (f"; rows {', '.join(map(str, kept))} outlined" if kept else "")
        ),
    }
