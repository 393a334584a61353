"""TrainConfig's split and the y_range rule that follows a data set's scale."""

import pytest
import torch

from explorer.data.ratings import official_split
from explorer.train.config import TrainConfig, make_split, y_range_for


def test_a_random_split_holds_out_the_share_and_the_seed_fixes_it(tiny):
    a = make_split(tiny, TrainConfig(valid_pct=0.25, seed=3))
    b = make_split(tiny, TrainConfig(valid_pct=0.25, seed=3))
    c = make_split(tiny, TrainConfig(valid_pct=0.25, seed=4))
    assert len(a.valid) == pytest.approx(0.25 * len(tiny), abs=1)
    assert torch.equal(a.valid, b.valid) and not torch.equal(a.valid, c.valid)
    rows = torch.cat([a.train, a.valid]).sort().values
    assert torch.equal(rows, torch.arange(len(tiny)))  # every rating once


def test_the_official_split_is_the_datas_own(ml100k_dir):
    from explorer.data.movielens import read_movielens

    r = read_movielens(ml100k_dir, "u1")
    split = make_split(r, TrainConfig(official_split=True))
    assert torch.equal(split.valid, official_split(r).valid)


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [(1, 5, (0.0, 5.5)), (0.5, 5, (-0.625, 5.5625)), (1, 10, (-1.25, 11.125))],
)
def test_y_range_follows_the_scale_as_the_books_does_for_one_to_five(low, high, expected):
    assert y_range_for(low, high) == expected
