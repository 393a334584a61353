"""The factor plot's titles: never two boxes over each other, the first in priority placed."""

import numpy as np

from explorer.view.labels import PLOT_H, PLOT_W, padded_range, text_box, titles_for, to_pixels


def place_labels(xy, texts, font_px):
    """The position titles_for gives each title, in order (None: no room)."""
    placed = titles_for(xy, texts, list(range(len(texts))), font_px)
    return [placed[r][1] if r in placed else None for r in range(len(texts))]


def _boxes(xy, texts, placed, font_px):
    pix = to_pixels(xy, padded_range(xy[:, 0]), padded_range(xy[:, 1]), PLOT_W, PLOT_H)
    return [
        text_box(x, y, t, p, font_px)
        for (x, y), t, p in zip(pix, texts, placed, strict=True)
        if p is not None
    ]


def test_no_two_titles_overlap_and_every_box_is_inside_the_plot():
    rng = np.random.default_rng(0)
    xy = rng.normal(size=(80, 2))
    texts = [f"Film number {k} (1995)" for k in range(80)]
    for font_px in (13, 18):
        placed = place_labels(xy, texts, font_px)
        boxes = _boxes(xy, texts, placed, font_px)
        assert len(boxes) >= 5  # a room can read several of them
        for k, a in enumerate(boxes):
            assert a[0] >= 0 and a[1] >= 0 and a[2] <= PLOT_W and a[3] <= PLOT_H
            for b in boxes[k + 1 :]:
                overlap = a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
                assert not overlap, (a, b)


def test_the_first_title_wins_a_contested_place_and_apart_all_are_placed():
    xy = np.array([[0.0, 0.0], [0.001, 0.0], [0.002, 0.0], [5.0, 5.0], [-5.0, -5.0]])
    texts = ["Star Wars (1977)", "Contact (1997)", "Fargo (1996)", "Scream (1996)", "Heat"]
    placed = place_labels(xy, texts, 18)
    assert placed[0] is not None  # the most rated first
    assert placed[3] is not None and placed[4] is not None  # alone: always placed
    assert place_labels(np.empty((0, 2)), [], 18) == []
