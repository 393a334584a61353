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


def _font_sizes(node, path="") -> list[tuple[str, float]]:
    """Every explicit font size in a figure's JSON, with where it is."""
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key.endswith("font") and isinstance(value, dict) and "size" in value:
                sizes = value["size"] if isinstance(value["size"], list) else [value["size"]]
                found += [(f"{path}.{key}", s) for s in sizes]
            found += _font_sizes(value, f"{path}.{key}")
    elif isinstance(node, list):
        for k, value in enumerate(node):
            found += _font_sizes(value, f"{path}[{k}]")
    return found


def test_presented_figures_have_no_text_under_18_px():
    import torch

    from explorer.view import figures, train_figures
    from explorer.view.theme import PRESENT_MIN_PX, presented

    g = torch.Generator().manual_seed(0)
    made = [
        figures.sweep_figure([100, 1000], [1e-4, 2e-4], [1e-3, 1e-2], "forward"),
        figures.histogram_figure(torch.tensor([1.0, 2.0, 2.0, 5.0])),
        train_figures.loss_figure([1, 2, 3], [1.0, 0.8, 0.7], 500, [1.0, 0.9, 0.8]),
        train_figures.rmse_figure([10, 20], [1.1, 1.0], {"biases only": 1.05}),
        train_figures.planted_figure([(0, 0.1), (10, 0.8)]),
        train_figures.factor_figure(
            torch.randn(5, 2, generator=g),
            list("aabbc"),
            list("vwxyz"),
            list(range(5)),
            "t",
            labelled=[0, 1],
        ),
        train_figures.pred_actual_figure(torch.rand(20, generator=g) * 5, torch.ones(20) * 3),
        train_figures.contributions_figure(torch.randn(6, generator=g), "product"),
    ]
    for fig in made:
        before = _font_sizes(fig.to_plotly_json())
        sizes = _font_sizes(presented(fig).to_plotly_json())
        small = [(where, s) for where, s in sizes if s < PRESENT_MIN_PX]
        assert small == [], (fig.layout.title.text, small)
        assert fig.layout.font.size >= PRESENT_MIN_PX and len(sizes) >= len(before)
