"""nn.EmbeddingBag against a multi-hot (or weighted multi-hot) x weight product."""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from explorer.lookup.gradients import max_abs_diff

BAG_MODES = ("sum", "mean", "max")


@dataclass(frozen=True)
class BagResult:
    """One bag mode through nn.EmbeddingBag and through its matrix-product form, if any."""

    mode: str
    weighted: bool  # per_sample_weights were used (sum only)
    bags: torch.Tensor  # (B, L): each row is one bag
    per_sample_weights: torch.Tensor | None  # (B, L)
    multi_hot: torch.Tensor | None  # (B, n): counts, weights, or counts / L for mean
    bag: torch.Tensor  # (B, d) from nn.EmbeddingBag
    product: torch.Tensor | None  # (B, d) multi_hot @ W; None for max, which has no such form
    reference: torch.Tensor  # (B, d) plain torch on the looked-up rows
    exact: bool  # torch.equal(bag, product or reference)
    max_abs_diff: float
    note: str


def as_bags(idx: torch.Tensor) -> torch.Tensor:
    """A 1-D batch is one bag; a 2-D batch is one bag per row. Shape (B, L)."""
    return idx.reshape(1, -1) if idx.dim() == 1 else idx


def multi_hot(bags: torch.Tensor, n: int, weights: torch.Tensor | None, dtype) -> torch.Tensor:
    """(B, n) matrix whose row b counts (or sums the weights of) each index in bag b."""
    values = torch.ones(bags.shape, dtype=dtype) if weights is None else weights.to(dtype)
    out = torch.zeros(bags.shape[0], n, dtype=dtype)
    return out.scatter_add_(1, bags, values)


def bag_compare(
    weight: torch.Tensor, idx: torch.Tensor, mode: str, seed: int = 0, product_form: bool = True
) -> BagResult:
    """Compare EmbeddingBag(mode) with its product form; weighted when mode is 'sum+weights'.

    product_form=False: the multi-hot product is past the page's budget (budget.py)."""
    weighted = mode == "sum+weights"
    base = "sum" if weighted else mode
    if base not in BAG_MODES:
        raise ValueError(f"Unknown bag mode {mode!r}: choose sum, sum+weights, mean or max.")
    n = weight.shape[0]
    bags = as_bags(idx)  # (B, L)
    psw = None
    if weighted:
        gen = torch.Generator().manual_seed(seed + 2)
        psw = torch.rand(bags.shape, generator=gen, dtype=weight.dtype)  # (B, L)
    bag = F.embedding_bag(bags, weight, mode=base, per_sample_weights=psw)  # (B, d)
    rows = F.embedding(bags, weight)  # (B, L, d)
    if base == "max":
        reference = rows.amax(dim=1)
    elif base == "mean":
        reference = rows.mean(dim=1)
    else:
        reference = (rows * (psw.unsqueeze(-1) if weighted else 1)).sum(dim=1)
    mh = product = None
    if base != "max" and product_form:
        mh = multi_hot(bags, n, psw, weight.dtype)
        if base == "mean":
            mh = mh / bags.shape[1]
        product = mh @ weight  # (B, n) @ (n, d)
    other = product if product is not None else reference
    exact = torch.equal(bag, other)
    diff = max_abs_diff(bag, other)
    if base == "max":
        note = (
            "max has no matrix-product form: a product sums, it cannot pick the largest value. "
            "Compared with the looked-up rows' elementwise max instead."
        )
    elif math.isnan(diff):
        note = (
            "Not equal: a non-finite weight reaches every product row through 0 x inf = NaN, "
            "while the bag adds only its own rows."
        )
    elif exact:
        note = "Bit-for-bit equal."
    else:
        note = (
            "Equal up to rounding: the product adds the rows in another order "
            "(and mean divides before adding), so the last bits can differ."
        )
    return BagResult(base, weighted, bags, psw, mh, bag, product, reference, exact, diff, note)
