from explorer.view import theme


def test_label_groups_partition_the_rows_in_sorted_order():
    groups = theme.label_groups(["x", "y", "x", "z", "y"])
    assert [(name, idx.tolist()) for name, _, idx in groups] == [
        ("x", [0, 2]),
        ("y", [1, 4]),
        ("z", [3]),
    ]
    assert [colour for _, colour, _ in groups] == list(theme.QUALITATIVE[:3])
