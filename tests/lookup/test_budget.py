"""The Lookup page's budget: counted before anything is made, and never less than what is."""

import pytest
import torch

from explorer.lookup.budget import ONE_HOT_BYTES, VIEW_BYTES, view_cost
from explorer.lookup.compare import compare
from explorer.lookup.config import LookupConfig, check_config, cost_of

LOWER = "(?i)lower (n or d|d, n)"  # either check may come first


def held_bytes(result) -> int:
    """Bytes of every tensor a LookupResult holds (views of the same storage counted once)."""
    tensors = [result.weight, result.weight_after, result.one_hot, result.product, result.lookup]
    g, b = result.gradients, result.bias
    if g is not None:
        tensors += [g.upstream, g.lookup, g.product, g.sparse_values]
    if b is not None:
        tensors += [b.bias, b.lookup_plus_bias, b.linear_with_bias, b.book_row_bias]
    seen, total = set(), 0
    for t in tensors:
        if t is not None and t.untyped_storage().data_ptr() not in seen:
            seen.add(t.untyped_storage().data_ptr())
            total += t.untyped_storage().nbytes()
    return total


@pytest.mark.parametrize(
    "config",
    [
        LookupConfig(),
        LookupConfig(n=500, d=40, indices=", ".join(["7"] * 300), dtype="float64"),
        LookupConfig(n=50, d=8, indices=str([[1, 2, 3]] * 40), sparse=True),
        LookupConfig(n=20_000, d=30, indices=", ".join(map(str, range(2_000)))),
    ],
)
def test_the_count_covers_every_tensor_the_view_holds(config):
    result = compare(config)
    cost = cost_of(config, result.idx)
    assert held_bytes(result) <= cost.always + cost.one_hot


@pytest.mark.parametrize(
    ("config", "needle"),
    [
        (LookupConfig(n=1677, d=10_000, indices=", ".join(["0"] * 10_000)), LOWER),
        (
            LookupConfig(n=1677, d=10_000, indices=", ".join(["0"] * 10_000), dtype="float64"),
            LOWER,
        ),
        (LookupConfig(n=16_777_216, d=1, indices="3"), "Lower n or d"),
        (LookupConfig(n=8, d=10**6, indices="3"), "Lower n or d"),
    ],
)
def test_a_view_past_the_budget_is_refused_with_its_numbers(config, needle):
    with pytest.raises(ValueError, match=needle):
        check_config(config)


def test_the_largest_view_allowed_stays_within_the_budget():
    # as many indices of d = 400 as the batch's share of the budget allows
    config = LookupConfig(n=1677, d=400, indices=", ".join(["0"] * 2_000))
    result = compare(config)
    assert held_bytes(result) <= VIEW_BYTES + ONE_HOT_BYTES
    assert result.one_hot is None and "multiply-adds" in result.skipped["one-hot"]
    assert torch.equal(result.lookup[0], result.weight[0])


def test_view_cost_counts_each_kind_of_tensor():
    cost = view_cost(n=10, d=3, batch=4, bags=2, itemsize=4)
    assert (cost.tables, cost.batch, cost.one_hot) == (8 * 30 * 4, 9 * 12 * 4, 6 * 10 * 4)
    assert cost.one_hot_work == (3 * 4 + 2) * 10 * 3


def test_many_indices_of_a_small_table_are_refused_by_the_batch_share():
    with pytest.raises(ValueError, match="looked-up rows and outputs"):
        check_config(LookupConfig(n=100, d=2_000, indices=",".join(["0"] * 9_000)))
