"""nn.Embedding against nn.Linear(bias=False) on a one-hot input, both built from ONE weight.

The Embedding's weight W has shape (n, d); the Linear's weight is W.T with shape (d, n),
because nn.Linear computes x @ weight.T. Every intermediate tensor the Lookup page shows is
computed here and returned in a frozen result, so the page only draws.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import torch
import torch.nn.functional as F
from torch import nn

from explorer.lookup.budget import one_hot_skip
from explorer.lookup.config import DTYPES, INITS, LookupConfig, check_config, cost_of
from explorer.lookup.gradients import Gradients, both_gradients, max_abs_diff


def make_weight(n: int, d: int, init: str, seed: int, dtype: str = "float32") -> torch.Tensor:
    """The one weight both paths use, shape (n, d), made from the seed."""
    gen = torch.Generator().manual_seed(seed)
    w = torch.empty(n, d, dtype=DTYPES[dtype])
    if init == "embedding":
        w.normal_(0.0, 1.0, generator=gen)
    elif init == "linear":
        bound = 1 / math.sqrt(n)  # nn.Linear(n, d): fan_in is n
        w.uniform_(-bound, bound, generator=gen)
    elif init == "fastai":
        nn.init.trunc_normal_(w, std=0.01, a=-0.02, b=0.02, generator=gen)  # fastai: at 2 std
    else:
        raise ValueError(f"Unknown initialisation {init!r}: choose one of {list(INITS)}.")
    return w


def one_hot(idx: torch.Tensor, n: int, dtype: torch.dtype) -> torch.Tensor:
    """One-hot rows for the indices: shape (*batch, n), made in its dtype (F.one_hot would
    first make an int64 matrix twice the size of a float32 one)."""
    out = torch.zeros(*idx.shape, n, dtype=dtype)
    return out.scatter_(-1, idx.unsqueeze(-1), 1.0)


def build_pair(weight: torch.Tensor, config: LookupConfig) -> tuple[nn.Embedding, nn.Linear]:
    """nn.Embedding with weight W and nn.Linear(n, d, bias=False) with weight W.T, from one W."""
    n, d = weight.shape
    emb = nn.Embedding(
        n, d, padding_idx=config.padding_idx, max_norm=config.max_norm, sparse=config.sparse
    ).to(weight.dtype)
    lin = nn.Linear(n, d, bias=False).to(weight.dtype)
    with torch.no_grad():
        emb.weight.copy_(weight)  # (n, d)
        lin.weight.copy_(weight.t())  # (d, n): Linear stores out_features x in_features
    return emb, lin


@dataclass(frozen=True)
class BiasComparison:
    """Embedding + one bias vector against nn.Linear(n, d, bias=True) on the one-hot."""

    bias: torch.Tensor  # (d,): ONE vector shared by every row, unlike the book's biases
    lookup_plus_bias: torch.Tensor  # (*batch, d)
    linear_with_bias: torch.Tensor  # (*batch, d)
    equal: bool
    max_abs_diff: float
    book_row_bias: torch.Tensor  # (n, 1): the book's per-row scalar bias, Embedding(n, 1)
    book_looked_up: torch.Tensor  # (*batch, 1)


@dataclass(frozen=True)
class LookupResult:
    """Every tensor and verdict the Lookup page shows, for one config."""

    config: LookupConfig
    idx: torch.Tensor  # (*batch,)
    weight: torch.Tensor  # (n, d), as made (before any max_norm renormalisation)
    weight_after: torch.Tensor  # (n, d), the Embedding's weight after the lookup
    one_hot: torch.Tensor | None  # (*batch, n); None when past the budget (budget.py)
    product: torch.Tensor | None  # (*batch, d) one-hot x W
    lookup: torch.Tensor  # (*batch, d) W[idx]
    equal: bool | None  # torch.equal(product, lookup)
    max_abs_diff: float | None  # NaN-aware: NaN where one side is NaN and the other is not
    nan_columns: list[int]  # product columns that hold NaN
    inf_row: int | None  # the row that got an inf (put_inf), if any row was free
    renormed_rows: list[int]  # rows max_norm rescaled in place during the lookup
    gradients: Gradients | None
    bias: BiasComparison | None
    skipped: dict[str, str] = field(default_factory=dict)  # view -> why it was skipped


def free_row(idx: torch.Tensor, n: int) -> int | None:
    """The first row the batch does not look up, or None if it looks up every row."""
    used = set(idx.flatten().tolist())
    return next((r for r in range(n) if r not in used), None)


def compare(config: LookupConfig) -> LookupResult:
    """Compute both paths, their gradients and the bias variant for one config."""
    idx = check_config(config)  # (*batch,)
    dtype = DTYPES[config.dtype]
    weight = make_weight(config.n, config.d, config.init, config.seed, config.dtype)
    if config.padding_idx is not None:
        weight[config.padding_idx] = 0  # nn.Embedding zeroes the padding row when it is made
    inf_row = None
    if config.put_inf:
        inf_row = free_row(idx, config.n)
        if inf_row is not None:
            weight[inf_row, 0] = math.inf
    emb, lin = build_pair(weight, config)
    skipped: dict[str, str] = {}
    one_hot_x = product = None
    why_not = one_hot_skip(cost_of(config, idx), config.n, idx.numel())
    if why_not:
        skipped["one-hot"] = why_not
    else:
        one_hot_x = one_hot(idx, config.n, dtype)  # (*batch, n)
        product = lin(one_hot_x)  # (*batch, d) = one_hot @ W

    lookup = emb(idx)  # (*batch, d); with max_norm this rescales rows of emb.weight in place
    weight_after = emb.weight.detach().clone()
    changed = (weight_after != weight) & ~(torch.isnan(weight_after) & torch.isnan(weight))
    renormed = changed.any(dim=1).nonzero().flatten().tolist()

    equal = diff = None
    nan_columns: list[int] = []
    if product is not None:
        equal = torch.equal(product.detach(), lookup.detach())
        diff = max_abs_diff(product.detach(), lookup.detach())
        nan_columns = torch.isnan(product.detach()).flatten(0, -2).any(0).nonzero().flatten()
        nan_columns = nan_columns.tolist()

    gen = torch.Generator().manual_seed(config.seed + 1)
    upstream = torch.randn(lookup.shape, generator=gen, dtype=dtype)  # (*batch, d)
    gradients = (
        None
        if product is None
        else both_gradients(config, emb, lin, idx, lookup, product, upstream)
    )
    # from the original W, as every other comparison here: with max_norm, the lookup has
    # rescaled rows in place and the Linear, built from W, has not
    bias = _bias(config, weight, idx, lookup.detach(), one_hot_x, gen)
    return LookupResult(
        config=config,
        idx=idx,
        weight=weight,
        weight_after=weight_after,
        one_hot=one_hot_x,
        product=None if product is None else product.detach(),
        lookup=lookup.detach(),
        equal=equal,
        max_abs_diff=diff,
        nan_columns=nan_columns,
        inf_row=inf_row,
        renormed_rows=renormed,
        gradients=gradients,
        bias=bias,
        skipped=skipped,
    )


def _bias(config, weight, idx, lookup, one_hot_x, gen) -> BiasComparison | None:
    """Embedding followed by a bias vector, against nn.Linear(n, d, bias=True)."""
    if one_hot_x is None:
        return None
    bias = torch.randn(config.d, generator=gen, dtype=weight.dtype)  # (d,)
    linear = nn.Linear(config.n, config.d, bias=True).to(weight.dtype)
    with torch.no_grad():
        linear.weight.copy_(weight.t())
        linear.bias.copy_(bias)
        with_bias = linear(one_hot_x)  # (*batch, d)
    plus = lookup + bias
    row_bias = torch.randn(config.n, 1, generator=gen, dtype=weight.dtype)  # (n, 1)
    return BiasComparison(
        bias=bias,
        lookup_plus_bias=plus,
        linear_with_bias=with_bias,
        equal=torch.equal(plus, with_bias),
        max_abs_diff=max_abs_diff(plus, with_bias),
        book_row_bias=row_bias,
        book_looked_up=F.embedding(idx, row_bias),
    )
