"""What one Lookup view costs, counted before anything is made, and the page's budget for it.

Whatever a link says, the page holds at most VIEW_BYTES of tensors that every view makes
(the weight and its copies, the gradients, the looked-up rows and their outputs) and draws the
one-hot path only within ONE_HOT_BYTES and ONE_HOT_WORK. The counts follow `compare` and
`bag_compare`: each tensor that they make is counted once, in its final dtype.
"""

from __future__ import annotations

from dataclasses import dataclass

from explorer.lookup.units import format_bytes, format_bytes_apart

VIEW_BYTES = 64 * 2**20  # every view: weights, gradients, batch outputs
ONE_HOT_BYTES = 16 * 2**20  # the one-hot and multi-hot matrices, when drawn
ONE_HOT_WORK = 2 * 10**8  # multiply-adds of the one-hot path: a fraction of a second
TABLE_COPIES = 8  # (n, d): W, the Embedding's, the Linear's (W.T), W after the lookup,
# both gradients, the sparse gradient made dense, the biased Linear's weight
BATCH_COPIES = 9  # (batch, d): lookup, upstream, product, W[idx] + b, the biased Linear's
# output, the bag's rows, the bag, its product and its reference


@dataclass(frozen=True)
class ViewCost:
    """Bytes and multiply-adds of one view, before it is made."""

    tables: int  # bytes of the (n, d) tensors
    batch: int  # bytes of the (batch, d) tensors
    one_hot: int  # bytes of the one-hot (batch, n) and the multi-hot (bags, n)
    one_hot_work: int  # multiply-adds: forward, backward, the biased Linear, the bags

    @property
    def always(self) -> int:
        return self.tables + self.batch


def view_cost(n: int, d: int, batch: int, bags: int, itemsize: int) -> ViewCost:
    """The cost of a view of an (n, d) table, a batch of indices in `bags` bags."""
    return ViewCost(
        tables=TABLE_COPIES * n * d * itemsize,
        batch=BATCH_COPIES * batch * d * itemsize,
        one_hot=(batch + bags) * n * itemsize,
        one_hot_work=(3 * batch + bags) * n * d,
    )


def check_view(cost: ViewCost, n: int, d: int, batch: int) -> None:
    """ValueError with the numbers and the fix when the view is past the page's budget."""
    if cost.always > VIEW_BYTES:
        need, most = format_bytes_apart(cost.always, VIEW_BYTES)
        raise ValueError(
            f"This view would hold {need} of tensors: {TABLE_COPIES} "
            f"copies of the {n:,} x {d:,} table and its gradients "
            f"({format_bytes(cost.tables)}) and {BATCH_COPIES} of the {batch:,} x {d:,} "
            f"looked-up rows and outputs ({format_bytes(cost.batch)}). The page holds at most "
            f"{most} a view: lower d, n or the number of indices."
        )


def one_hot_skip(cost: ViewCost, n: int, batch: int) -> str | None:
    """Why the one-hot path is not drawn for this view, or None when it fits."""
    if cost.one_hot > ONE_HOT_BYTES:
        need, cap = format_bytes_apart(cost.one_hot, ONE_HOT_BYTES)
        return (
            f"the {batch:,} x {n:,} one-hot matrix (and the bags' multi-hot) would need "
            f"{need}, above the page's cap of {cap}; the lookup needs none"
        )
    if cost.one_hot_work > ONE_HOT_WORK:
        return (
            f"the one-hot products would take {cost.one_hot_work:,} multiply-adds, above the "
            f"page's {ONE_HOT_WORK:,}; the lookup takes none: it copies {batch:,} rows"
        )
    return None
