import pytest
import torch
from torch.testing import assert_close

from explorer.lookup.bags import bag_compare, multi_hot


@pytest.fixture
def weight():
    return torch.randn(7, 3, generator=torch.Generator().manual_seed(0), dtype=torch.float64)


def test_sum_bag_equals_multi_hot_product_and_plain_torch(weight):
    idx = torch.tensor([[1, 2, 2], [0, 6, 3]])
    r = bag_compare(weight, idx, "sum")
    assert_close(r.bag, weight[idx].sum(dim=1))  # plain torch oracle
    assert_close(r.product, r.bag)
    assert r.multi_hot[0].tolist() == [0, 1, 2, 0, 0, 0, 0]  # the repeat counts twice


def test_weighted_sum_uses_per_sample_weights(weight):
    idx = torch.tensor([3, 3, 5])
    r = bag_compare(weight, idx, "sum+weights", seed=4)
    psw = r.per_sample_weights
    assert r.weighted and psw.shape == (1, 3)
    oracle = (weight[idx] * psw[0].unsqueeze(1)).sum(dim=0, keepdim=True)
    assert_close(r.bag, oracle)
    assert_close(r.product, oracle)
    assert_close(multi_hot(idx.view(1, -1), 7, psw, weight.dtype)[0, 3], psw[0, 0] + psw[0, 1])


def test_mean_bag_is_the_scaled_multi_hot_product(weight):
    idx = torch.tensor([[0, 1], [4, 4]])
    r = bag_compare(weight, idx, "mean")
    assert_close(r.bag, weight[idx].mean(dim=1))
    assert_close(r.product, r.bag)


def test_max_has_no_product_form_but_matches_the_elementwise_max(weight):
    r = bag_compare(weight, torch.tensor([[0, 1, 2]]), "max")
    assert r.product is None and r.multi_hot is None
    assert_close(r.bag, weight[:3].amax(dim=0, keepdim=True))
    assert "no matrix-product form" in r.note


def test_unknown_mode(weight):
    with pytest.raises(ValueError, match="Unknown bag mode"):
        bag_compare(weight, torch.tensor([0]), "median")


def test_a_non_finite_weight_breaks_the_product_not_the_bag(weight):
    weight = weight.clone()
    weight[6, 0] = float("inf")  # a row the bag does not hold
    r = bag_compare(weight, torch.tensor([[0, 1]]), "sum")
    assert torch.isfinite(r.bag).all() and torch.isnan(r.product[:, 0]).all()
    assert not r.exact and "0 x inf = NaN" in r.note
