from explorer.view import theme


def test_label_groups_partition_the_rows_in_sorted_order():
    groups = theme.label_groups(["x", "y", "x", "z", "y"])
    assert [(name, idx.tolist()) for name, _, idx in groups] == [
        ("x", [0, 2]),
        ("y", [1, 4]),
        ("z", [3]),
    ]
    assert [colour for _, colour, _ in groups] == list(theme.QUALITATIVE[:3])


def test_past_eight_labels_the_smallest_share_one_grey_group():
    # 19 genres, as MovieLens has: genre k holds 20 - k items
    labels = [f"g{k:02d}" for k in range(19) for _ in range(20 - k)]
    groups = theme.label_groups(labels)
    assert len(groups) == theme.MAX_GROUPS + 1
    assert [name for name, _, _ in groups[:-1]] == [f"g{k:02d}" for k in range(8)]
    name, colour, idx = groups[-1]
    assert name == "other (11 labels)" and colour == theme.OTHER
    assert sorted(i for _, _, m in groups for i in m.tolist()) == list(range(len(labels)))
    assert len({c for _, c, _ in groups}) == len(groups)  # every group its own colour


def test_the_palette_is_told_apart_by_luminance_or_hue():
    # every pair of the palette's colours differs clearly, in sRGB distance
    def rgb(h):
        return [int(h[i : i + 2], 16) for i in (1, 3, 5)]

    cols = [rgb(c) for c in (*theme.QUALITATIVE, theme.OTHER)]
    for a in range(len(cols)):
        for b in range(a + 1, len(cols)):
            assert sum((x - y) ** 2 for x, y in zip(cols[a], cols[b], strict=True)) ** 0.5 > 60


def test_the_canvases_text_is_at_least_18_px_when_presenting():
    import re

    from explorer.view.theme import PRESENT_MIN_PX, canvas_style

    for present, smallest in ((False, 12), (True, PRESENT_MIN_PX)):
        style = canvas_style(present)
        sizes = [int(re.search(r"(\d+)px", style[k]).group(1)) for k in ("font", "title_font")]
        assert min(sizes) == smallest == style["font_px"]
        assert style["legend_row"] > style["font_px"]  # a legend row holds its text
