import numpy as np
import pandas as pd
import pytest
import torch

from explorer.data.ratings import encode_ids, official_split, random_split, ratings_from_frame
from tests.conftest import ratings_frame


def _frame():
    return pd.DataFrame(
        {"user": ["b", "a", "b", "c"], "item": [30, 10, 10, 20], "rating": [4.0, 3.0, 5.0, 1.0]}
    )


def test_encode_ids_sorted_and_reversible():
    codes, uniques = encode_ids(pd.Series(["z", "x", "z", "y"]))
    assert codes.tolist() == [2, 0, 2, 1]
    assert list(uniques[codes.numpy()]) == ["z", "x", "z", "y"]


def test_ratings_from_frame_maps_back_to_original_ids():
    r = ratings_from_frame(_frame(), "test", titles={10: "Ten", 20: "Twenty", 30: "Thirty"})
    assert (r.n_users, r.n_items, len(r)) == (3, 3, 4)
    assert r.rating_range == (1.0, 5.0)
    back = ratings_frame(r)
    pd.testing.assert_frame_equal(
        back[["user", "item"]], _frame()[["user", "item"]], check_dtype=False
    )
    assert back["title"].tolist() == ["Thirty", "Ten", "Ten", "Twenty"]
    assert r.density == pytest.approx(4 / 9)


def test_random_split_sizes_disjoint_and_seeded(tiny):
    a = random_split(tiny, 0.2, seed=3)
    b = random_split(tiny, 0.2, seed=3)
    c = random_split(tiny, 0.2, seed=4)
    assert len(a.valid) == round(len(tiny) * 0.2)
    assert len(a.train) + len(a.valid) == len(tiny)
    assert not set(a.train.tolist()) & set(a.valid.tolist())
    assert torch.equal(a.valid, b.valid) and not torch.equal(a.valid, c.valid)


def test_cold_ids_are_counted():
    frame = pd.DataFrame({"user": [1, 1, 2, 3], "item": [1, 2, 1, 9], "rating": [1.0, 2, 3, 4]})
    r = ratings_from_frame(frame, "t", is_valid=np.array([False, False, False, True]))
    s = official_split(r)
    assert s.valid.tolist() == [3]
    assert (s.cold_users, s.cold_items) == (1, 1)  # user 3 and item 9 appear only there


@pytest.mark.parametrize("pct", [0.0, 1.0, 1.5])
def test_bad_valid_share(tiny, pct):
    with pytest.raises(ValueError, match="between 0 and 1"):
        random_split(tiny, pct)


def test_official_split_needs_one(tiny):
    with pytest.raises(ValueError, match="no official split"):
        official_split(tiny)
