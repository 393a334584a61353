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

from explorer.lookup.config import (
    DTYPES,
    INITS,
    ONE_HOT_CAP_BYTES,
    LookupConfig,
    check_config,
    format_bytes,
    one_hot_bytes,
)


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
    """One-hot rows for the indices: shape (*batch, n)."""
    return F.one_hot(idx, n).to(dtype)


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
class Gradients:
    """The weight's gradient through both paths, for one seeded upstream gradient."""

    upstream: torch.Tensor  # (*batch, d)
    lookup: torch.Tensor  # (n, d), dense view of the Embedding's gradient
    product: torch.Tensor  # (n, d): the Linear's gradient, transposed back
    equal: bool
    max_abs_diff: float
    nonzero_rows: list[int]  # rows with any non-zero gradient, through the lookup
    counts: dict[int, int]  # how often each row was looked up (repeats accumulate)
    padding_row_differs: bool  # the product path gives the padding row a gradient
    sparse_indices: torch.Tensor | None  # (nnz,) row index per stored value, sparse=True only
    sparse_values: torch.Tensor | None  # (nnz, d)


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
    one_hot: torch.Tensor | None  # (*batch, n); None when above ONE_HOT_CAP_BYTES
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


def max_abs_diff(a: torch.Tensor, b: torch.Tensor) -> float:
    """Largest |a - b|; NaN if the two disagree on where NaN is, 0.0 where both are NaN."""
    both_nan = torch.isnan(a) & torch.isnan(b)
    if (torch.isnan(a) ^ torch.isnan(b)).any():
        return math.nan
    diff = (a - b).abs().masked_fill(both_nan, 0.0)
    diff = diff.masked_fill((a == b), 0.0)  # inf == inf is exact; inf - inf would be NaN
    return float(diff.max()) if diff.numel() else 0.0


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
    need = one_hot_bytes(idx.numel(), config.n, config.dtype)

    one_hot_x = product = None
    if need > ONE_HOT_CAP_BYTES:
        skipped["one-hot"] = (
            f"the {idx.numel():,} x {config.n:,} one-hot matrix would need {format_bytes(need)}, "
            f"above the page's cap of {format_bytes(ONE_HOT_CAP_BYTES)}; the lookup needs none"
        )
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
    gradients = _gradients(config, emb, lin, idx, lookup, product, upstream)
    bias = _bias(config, weight_after, idx, lookup.detach(), one_hot_x, gen)
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


def _gradients(config, emb, lin, idx, lookup, product, upstream) -> Gradients | None:
    """Backpropagate one upstream gradient through both paths."""
    if product is None:
        return None
    lookup.backward(upstream)
    product.backward(upstream)
    grad = emb.weight.grad
    sparse_indices = sparse_values = None
    if grad.is_sparse:
        grad = grad.coalesce()  # repeated indices are summed only when coalesced
        sparse_indices, sparse_values = grad.indices()[0], grad.values()
        grad = grad.to_dense()
    g_product = lin.weight.grad.t()  # (n, d)
    counts: dict[int, int] = {}
    for i in idx.flatten().tolist():
        counts[i] = counts.get(i, 0) + 1
    padding_differs = False
    if config.padding_idx is not None:
        pad = config.padding_idx % config.n
        padding_differs = bool((g_product[pad] != 0).any())
    return Gradients(
        upstream=upstream,
        lookup=grad,
        product=g_product,
        equal=torch.equal(grad, g_product),
        max_abs_diff=max_abs_diff(grad, g_product),
        nonzero_rows=(grad != 0).any(dim=1).nonzero().flatten().tolist(),
        counts=dict(sorted(counts.items())),
        padding_row_differs=padding_differs,
        sparse_indices=sparse_indices,
        sparse_values=sparse_values,
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
