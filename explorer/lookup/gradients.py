"""The weight's gradient through both paths, and how far apart summation order can put them.

A row looked up k times gets the sum of k upstream rows. The lookup's backward adds them one
way (index_add); the product's, `one_hot.T @ upstream`, another (a matrix product, with
zeros between them, which change nothing). With k = 1 there is one term and both paths are
bit-equal; with k > 1 the two orders can round differently, each by at most (k - 1) unit
roundoffs of the sum of |terms| (Higham, Accuracy and Stability, section 4.2), so the two
differ by at most (k - 1) * eps * sum|terms|: `summation_bound`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class Gradients:
    """The weight's gradient through both paths, for one seeded upstream gradient."""

    upstream: torch.Tensor  # (*batch, d)
    lookup: torch.Tensor  # (n, d), dense view of the Embedding's gradient
    product: torch.Tensor  # (n, d): the Linear's gradient, transposed back
    equal: bool
    max_abs_diff: float
    rounding_bound: float  # the largest difference summation order alone can make
    within_rounding: bool  # every difference is within it (so the paths agree but for order)
    nonzero_rows: list[int]  # rows with any non-zero gradient, through the lookup
    counts: dict[int, int]  # how often each row was looked up (repeats accumulate)
    padding_row_differs: bool  # the product path gives the padding row a gradient
    sparse_indices: torch.Tensor | None  # (nnz,) row index per stored value, sparse=True only
    sparse_values: torch.Tensor | None  # (nnz, d)


def max_abs_diff(a: torch.Tensor, b: torch.Tensor) -> float:
    """Largest |a - b|; NaN if the two disagree on where NaN is, 0.0 where both are NaN."""
    both_nan = torch.isnan(a) & torch.isnan(b)
    if (torch.isnan(a) ^ torch.isnan(b)).any():
        return math.nan
    diff = (a - b).abs().masked_fill(both_nan, 0.0)
    diff = diff.masked_fill((a == b), 0.0)  # inf == inf is exact; inf - inf would be NaN
    return float(diff.max()) if diff.numel() else 0.0


def summation_bound(idx: torch.Tensor, upstream: torch.Tensor, n: int) -> torch.Tensor:
    """(n, d): the most two orders of summing each row's gradient terms can differ by."""
    flat, up = idx.flatten(), upstream.detach().reshape(-1, upstream.shape[-1]).abs()
    counts = torch.bincount(flat, minlength=n).to(up.dtype)  # (n,)
    total = torch.zeros(n, up.shape[1], dtype=up.dtype).index_add_(0, flat, up)  # (n, d)
    eps = torch.finfo(up.dtype).eps
    return (counts - 1).clamp(min=0).unsqueeze(1) * eps * total * (1 + 1e-3)


def both_gradients(config, emb, lin, idx, lookup, product, upstream) -> Gradients:
    """Backpropagate one upstream gradient through both paths (emb and lin built from one W)."""
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
    bound = summation_bound(idx, upstream, config.n)
    diff = (grad - g_product).abs()
    return Gradients(
        upstream=upstream,
        lookup=grad,
        product=g_product,
        equal=torch.equal(grad, g_product),
        max_abs_diff=max_abs_diff(grad, g_product),
        rounding_bound=float(bound.max()) if bound.numel() else 0.0,
        within_rounding=bool((diff <= bound).all()),
        nonzero_rows=(grad != 0).any(dim=1).nonzero().flatten().tolist(),
        counts=dict(sorted(counts.items())),
        padding_row_differs=padding_differs,
        sparse_indices=sparse_indices,
        sparse_values=sparse_values,
    )
