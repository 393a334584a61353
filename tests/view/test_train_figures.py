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
