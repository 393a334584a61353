import math

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st
from torch.testing import assert_close

from explorer.lookup.budget import ONE_HOT_BYTES
from explorer.lookup.compare import compare, make_weight, max_abs_diff
from explorer.lookup.config import LookupConfig, parse_indices


@given(
    n=st.integers(1, 40),
    d=st.integers(1, 12),
    data=st.data(),
    dtype=st.sampled_from(["float32", "float64"]),
    init=st.sampled_from(["embedding", "linear", "fastai"]),
    seed=st.integers(0, 2**16),
)
def test_product_equals_lookup_and_plain_torch(n, d, data, dtype, init, seed):
    idx = data.draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=12))
    cfg = LookupConfig(n=n, d=d, indices=str(idx), seed=seed, init=init, dtype=dtype)
    r = compare(cfg)
    w = make_weight(n, d, init, seed, dtype)
    oracle = w[torch.tensor(idx)]  # plain torch indexing
    assert r.equal is True and r.max_abs_diff == 0.0
    assert_close(r.lookup, oracle, rtol=0, atol=0)
    assert_close(r.product, F.one_hot(torch.tensor(idx), n).to(w.dtype) @ w, rtol=0, atol=0)
    # gradients: bit-equal when no index repeats; with repeats, each row sums several terms
    # and the two paths add them in different orders, so they agree within that bound only
    g = r.gradients
    if len(set(idx)) == len(idx):
        assert g.equal and g.max_abs_diff == 0.0 and g.rounding_bound == 0.0
    else:
        assert g.within_rounding and g.max_abs_diff <= g.rounding_bound
    oracle_w = w.clone().requires_grad_(True)
    oracle_w[torch.tensor(idx)].backward(g.upstream)  # plain torch
    assert_close(g.lookup, oracle_w.grad, rtol=0, atol=g.rounding_bound)
    assert_close(g.product, oracle_w.grad, rtol=0, atol=g.rounding_bound)


def test_many_repeats_differ_by_summation_order_only_within_the_bound():
    # the case hypothesis found (eight 0s, float64) and the page's (196 threes, float32)
    for n, d, idx, dtype in ((3, 4, [0] * 8, "float64"), (240, 30, [3] * 196, "float32")):
        r = compare(LookupConfig(n=n, d=d, indices=str(idx), dtype=dtype))
        g = r.gradients
        assert g.within_rounding and g.rounding_bound > 0
        assert g.max_abs_diff <= g.rounding_bound
        others = torch.arange(n) != idx[0]  # rows never looked up: zero in both, exactly
        assert torch.equal(g.lookup[others], g.product[others]) and not g.lookup[others].any()


def test_two_d_batch_keeps_its_shape():
    r = compare(LookupConfig(n=5, d=3, indices="[[1, 2], [3, 3]]"))
    assert r.idx.shape == (2, 2)
    assert r.lookup.shape == (2, 2, 3) and r.one_hot.shape == (2, 2, 5)
    assert_close(r.lookup[1, 0], r.weight[3])
    assert r.equal


def test_gradients_match_plain_torch_and_accumulate_repeats():
    cfg = LookupConfig(n=6, d=4, indices="3, 0, 3", seed=7)
    r = compare(cfg)
    g = r.gradients
    w = make_weight(6, 4, "embedding", 7).requires_grad_(True)
    w[torch.tensor([3, 0, 3])].backward(g.upstream)  # plain torch oracle
    assert_close(g.lookup, w.grad)
    assert_close(g.product, w.grad)
    assert g.nonzero_rows == [0, 3]
    assert g.counts == {0: 1, 3: 2}
    assert_close(g.lookup[3], g.upstream[0] + g.upstream[2])


def test_padding_row_gets_no_gradient_but_the_product_gives_it_one():
    r = compare(LookupConfig(n=5, d=3, indices="2, 1", padding_idx=2))
    assert torch.all(r.weight[2] == 0)  # nn.Embedding zeroes the padding row
    assert r.equal  # forward is still equal: the row is zero in both
    assert torch.all(r.gradients.lookup[2] == 0)
    assert r.gradients.padding_row_differs
    assert not r.gradients.equal
    assert_close(r.gradients.product[2], r.gradients.upstream[0])


def test_sparse_gradient_indices_and_values():
    r = compare(LookupConfig(n=6, d=2, indices="4, 1, 4", sparse=True))
    g = r.gradients
    assert g.sparse_indices.tolist() == [1, 4]
    assert_close(g.sparse_values[1], g.upstream[0] + g.upstream[2])
    assert g.equal


def test_max_norm_renormalises_rows_in_place_and_the_product_does_not():
    cfg = LookupConfig(n=6, d=4, indices="1, 2", max_norm=0.5, seed=3)
    r = compare(cfg)
    assert r.renormed_rows == [1, 2]
    assert_close(r.weight_after[[1, 2]].norm(dim=1), torch.full((2,), 0.5), atol=1e-4, rtol=0)
    emb = torch.nn.Embedding.from_pretrained(r.weight.clone(), max_norm=0.5)
    assert_close(r.lookup, emb(torch.tensor([1, 2])))  # plain torch does the same
    assert_close(r.product, r.weight[[1, 2]])  # the product reads the weight as it was
    assert r.equal is False


def test_inf_in_a_free_row_turns_the_product_column_to_nan_not_the_lookup():
    r = compare(LookupConfig(n=5, d=3, indices="0, 2", put_inf=True))
    assert r.inf_row == 1
    assert r.nan_columns == [0]
    assert torch.isnan(r.product[:, 0]).all()
    assert torch.isfinite(r.lookup).all()
    assert r.equal is False and math.isnan(r.max_abs_diff)


def test_inf_needs_a_free_row():
    r = compare(LookupConfig(n=2, d=2, indices="0, 1", put_inf=True))
    assert r.inf_row is None and r.equal


def test_bias_vector_equals_linear_with_bias():
    r = compare(LookupConfig(n=7, d=3, indices="6, 2"))
    b = r.bias
    lin = torch.nn.Linear(7, 3)
    with torch.no_grad():
        lin.weight.copy_(r.weight.t())
        lin.bias.copy_(b.bias)
    assert_close(b.linear_with_bias, lin(F.one_hot(torch.tensor([6, 2]), 7).float()))
    assert_close(b.lookup_plus_bias, b.linear_with_bias)
    assert b.book_row_bias.shape == (7, 1) and b.book_looked_up.shape == (2, 1)


def test_large_one_hot_is_skipped_with_its_size_but_the_lookup_still_runs():
    n = ONE_HOT_BYTES // 4 // 100 + 1
    r = compare(LookupConfig(n=n, d=2, indices=", ".join(["1"] * 100)))
    assert r.one_hot is None and r.product is None and r.equal is None
    assert "MiB" in r.skipped["one-hot"]
    assert r.lookup.shape == (100, 2)


@pytest.mark.parametrize(
    ("cfg", "needle"),
    [
        (LookupConfig(indices="9"), "out of range"),
        (LookupConfig(indices="-1"), "out of range"),
        (LookupConfig(indices="a, b"), "Could not read"),
        (LookupConfig(indices="1.5"), "not a whole number"),
        (LookupConfig(indices=""), "empty"),
        (LookupConfig(indices="[]"), "empty"),
        (LookupConfig(indices="[[1, 2], [3]]"), "same, non-zero length"),
        (LookupConfig(n=0), "at least one row"),
        (LookupConfig(d=0), "at least one row"),
        (LookupConfig(n=10**7, d=10), "Lower n or d"),
        (LookupConfig(padding_idx=99), "padding_idx"),
        (LookupConfig(max_norm=-1.0), "max_norm"),
    ],
)
def test_bad_input_raises_a_message_that_says_what_to_do(cfg, needle):
    with pytest.raises(ValueError, match=needle):
        compare(cfg)


def test_parse_indices_forms():
    assert parse_indices("3, 0, 3") == [3, 0, 3]
    assert parse_indices("[[1, 2], [3, 3]]") == [[1, 2], [3, 3]]
    assert parse_indices("5") == [5]
    with pytest.raises(ValueError):
        parse_indices("__import__('os')")
    with pytest.raises(ValueError):
        parse_indices("True")


def test_max_abs_diff_treats_nan_and_inf():
    a = torch.tensor([1.0, math.inf, math.nan])
    assert max_abs_diff(a, a.clone()) == 0.0
    assert math.isnan(max_abs_diff(a, torch.tensor([1.0, math.inf, 0.0])))
    assert max_abs_diff(torch.tensor([1.0]), torch.tensor([1.5])) == 0.5


def test_with_max_norm_the_biased_linear_is_built_from_the_original_w_and_differs():
    r = compare(LookupConfig(n=6, d=2, indices="5, 5", max_norm=0.5))
    assert r.renormed_rows == [5]
    b = r.bias
    lin = torch.nn.Linear(6, 2, bias=True)
    with torch.no_grad():
        lin.weight.copy_(r.weight.t())  # the original W, as every other comparison
        lin.bias.copy_(b.bias)
    assert_close(b.linear_with_bias, lin(F.one_hot(torch.tensor([5, 5]), 6).float()).detach())
    assert not b.equal and b.max_abs_diff > 0.01
