"""Titles beside points without overlap: the factor plot's labels, for plotly and the canvas.

Greedy, in order of priority (the most rated item first): each title tries four places
around its point (above, below, right, left) and takes the first whose box, in pixels, meets
no box already placed and stays inside the plot; a title with no free place is left off (it
still shows on hover). Boxes are estimated from the text's length (an average glyph is about
0.55 of the font's size wide), the same estimate for both renderers.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

POSITIONS = ("top center", "bottom center", "middle right", "middle left")  # plotly's names
GLYPH = 0.55  # an average glyph's width, as a share of the font size
GAP = 6.0  # pixels between a point and its title
PLOT_W, PLOT_H = 420.0, 260.0  # the plot area the estimate assumes: the smallest it is drawn
# (the factor plot beside its metrics at 1280 px wide); wider plots space their titles out more


def text_box(x: float, y: float, text: str, position: str, font_px: float) -> tuple:
    """(left, top, right, bottom) in pixels of a title placed at a point (y grows down)."""
    w, h = GLYPH * font_px * len(text), 1.2 * font_px
    if position == "top center":
        return (x - w / 2, y - GAP - h, x + w / 2, y - GAP)
    if position == "bottom center":
        return (x - w / 2, y + GAP, x + w / 2, y + GAP + h)
    if position == "middle right":
        return (x + GAP, y - h / 2, x + GAP + w, y + h / 2)
    return (x - GAP - w, y - h / 2, x - GAP, y + h / 2)


def _meets(a: tuple, b: tuple) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def to_pixels(xy: np.ndarray, x_range, y_range, width: float, height: float) -> np.ndarray:
    """(n, 2) data coordinates to plot pixels (y down)."""
    (x0, x1), (y0, y1) = x_range, y_range
    px = (xy[:, 0] - x0) / ((x1 - x0) or 1.0) * width
    py = (1 - (xy[:, 1] - y0) / ((y1 - y0) or 1.0)) * height
    return np.stack([px, py], axis=1)


def padded_range(values: np.ndarray, pad: float = 0.05) -> tuple[float, float]:
    lo, hi = float(np.min(values)), float(np.max(values))
    span = (hi - lo) or 1.0
    return lo - span * pad, hi + span * pad


def _place(pix: np.ndarray, texts: list[str], font_px: float, width: float, height: float):
    """A position (one of POSITIONS) for each title at its pixel point, in the order given
    (the first wins a contested place), or None where no place is free."""
    placed: list[tuple] = []
    out: list[str | None] = []
    for (x, y), text in zip(pix, texts, strict=True):
        chosen = None
        for position in POSITIONS:
            box = text_box(x, y, text, position, font_px)
            inside = box[0] >= 0 and box[1] >= 0 and box[2] <= width and box[3] <= height
            if inside and not any(_meets(box, other) for other in placed):
                chosen = position
                placed.append(box)
                break
        out.append(chosen)
    return out


def short_title(title: str, most: int = 28) -> str:
    """A title short enough to sit on a plot."""
    return title if len(title) <= most else title[: most - 1] + "…"


def titles_for(
    xy: np.ndarray, names: Sequence[str], rows: Sequence[int], font_px: float
) -> dict[int, tuple[str, str]]:
    """row -> (its short title, its position) for the rows (in priority order) that find a
    free place; the plot's range is that of all of xy."""
    xy = np.asarray(xy, dtype=float)
    rows = [r for r in rows if 0 <= r < len(xy)]
    if not rows:
        return {}
    texts = [short_title(names[r]) for r in rows]
    pix = to_pixels(xy, padded_range(xy[:, 0]), padded_range(xy[:, 1]), PLOT_W, PLOT_H)
    where = _place(pix[rows], texts, font_px, PLOT_W, PLOT_H)
    return {r: (t, p) for r, t, p in zip(rows, texts, where, strict=True) if p is not None}
