"""The Train page's plotly figures, against plain torch."""

import torch

from explorer.view import train_figures


def test_factor_figure_has_one_trace_a_label_with_the_ids_as_customdata():
    coords = torch.arange(10, dtype=torch.float32).reshape(5, 2)
    fig = train_figures.factor_figure(
        coords, ["a", "b", "a", "b", "a"], list("vwxyz"), [9, 8, 7, 6, 5], "t"
    )
    a, b = fig.data
    assert a.name == "a" and list(a.customdata) == [9, 7, 5] and list(a.text) == ["v", "x", "z"]
    torch.testing.assert_close(torch.tensor(list(b.x)), coords[[1, 3], 0].double())


def test_factor_figure_rings_found_titles_labels_the_popular_and_isolates_on_click():
    coords = torch.tensor([[0.0, 0.0], [1.0, 1.0], [2.0, 0.5], [3.0, 2.0]])
    names = ["Star Wars (1977)", "Toy Story (1995)", "Star Trek (1982)", "Fargo (1996)"]
    fig = train_figures.factor_figure(
        coords, ["a", "b", "a", "b"], names, [10, 11, 12, 13], "t", found=[10, 12], labelled=[11]
    )
    ring = next(t for t in fig.data if t.name and t.name.startswith("found"))
    assert list(ring.text) == ["Star Wars (1977)", "Star Trek (1982)"]
    assert list(ring.x) == [0.0, 2.0] and list(ring.y) == [0.0, 0.5]
    text = next(t for t in fig.data if t.mode == "text")
    assert list(text.text) == ["Toy Story (1995)"] and list(text.x) == [1.0]
    assert fig.layout.legend.itemclick == "toggleothers"  # one click: that group alone
    assert fig.layout.font.size >= 12  # readable in a room: ticks inherit it
