import pytest
import torch

from explorer.data.synthetic import synthetic_ratings


def test_same_seed_same_set_other_seed_other_set():
    a, b, c = (
        synthetic_ratings(2000, seed=5),
        synthetic_ratings(2000, seed=5),
        synthetic_ratings(2000, seed=6),
    )
    assert torch.equal(a.users, b.users) and torch.equal(a.ratings, b.ratings)
    assert not torch.equal(a.ratings, c.ratings)


def test_shape_of_the_set():
    r = synthetic_ratings(5000, n_genres=4, seed=0)
    assert len(r) == 5000
    codes = r.users * r.n_items + r.items
    assert len(codes.unique()) == 5000  # no (user, item) pair twice
    assert set(r.ratings.unique().tolist()) <= {1.0, 2.0, 3.0, 4.0, 5.0}
    assert len(set(r.item_genres)) == 4
    assert all(f"({g})" in t for t, g in zip(r.item_titles, r.item_genres, strict=True))
    assert r.planted.item_factors.shape == (r.n_items, 2)
    counts = torch.bincount(r.items, minlength=r.n_items).float()
    assert counts.max() > 5 * counts.median()  # a long tail of popularity


def test_planted_structure_drives_ratings():
    r = synthetic_ratings(20000, seed=0)
    p = r.planted
    signal = (
        (p.user_factors[r.users] * p.item_factors[r.items]).sum(1)
        + p.user_bias[r.users]
        + p.item_bias[r.items]
    )
    assert torch.corrcoef(torch.stack([signal, r.ratings]))[0, 1] > 0.7


def test_large_sets_are_vectorised():
    r = synthetic_ratings(1_000_000, seed=0)
    assert len(r) == 1_000_000


@pytest.mark.parametrize(
    "kw", [dict(n_ratings=10), dict(n_genres=1), dict(n_ratings=5000, n_users=10, n_items=10)]
)
def test_bad_sizes(kw):
    with pytest.raises(ValueError):
        synthetic_ratings(**kw)
