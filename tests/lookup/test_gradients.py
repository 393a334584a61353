"""The gradient through both paths, and the summation-order bound, against plain torch."""

import math

import torch
from torch.testing import assert_close

from explorer.lookup.gradients import max_abs_diff, summation_bound


def test_max_abs_diff_treats_nan_and_inf_as_the_page_says():
    a = torch.tensor([1.0, math.nan, math.inf, -2.0])
    assert max_abs_diff(a, torch.tensor([1.5, math.nan, math.inf, -2.0])) == 0.5
    assert math.isnan(max_abs_diff(a, torch.tensor([1.0, 0.0, math.inf, -2.0])))
    assert max_abs_diff(torch.empty(0), torch.empty(0)) == 0.0


def test_the_bound_covers_the_two_orders_and_is_zero_for_rows_looked_up_once():
    g = torch.Generator().manual_seed(0)
    n, d = 4, 3
    idx = torch.tensor([0, 0, 0, 0, 0, 0, 1, 2, 2])
    upstream = torch.randn(len(idx), d, generator=g, dtype=torch.float32) * 1e3
    bound = summation_bound(idx, upstream, n)
    assert torch.equal(bound[1], torch.zeros(d)) and torch.equal(bound[3], torch.zeros(d))
    by_index_add = torch.zeros(n, d).index_add_(0, idx, upstream)
    one_hot = torch.nn.functional.one_hot(idx, n).float()
    by_product = one_hot.T @ upstream
    assert bool(((by_index_add - by_product).abs() <= bound).all())
    exact = torch.zeros(n, d, dtype=torch.float64).index_add_(0, idx, upstream.double())
    assert bool(((by_index_add.double() - exact).abs() <= bound.double()).all())
    eps = torch.finfo(torch.float32).eps
    assert_close(bound[0], 5 * eps * upstream[:6].abs().sum(0) * (1 + 1e-3))
