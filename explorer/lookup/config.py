"""What the Lookup page's user sets: the config, its limits, and the checks of typed input."""

from __future__ import annotations

import ast
from dataclasses import dataclass

import torch

from explorer.lookup.budget import check_view, view_cost
from explorer.lookup.units import format_bytes_apart
from explorer.settings import check_settings, setting

INITS = {
    "embedding": "nn.Embedding default: N(0, 1)",
    "linear": "nn.Linear default: U(-1/sqrt(n), 1/sqrt(n))",
    "fastai": "fastai / the book: truncated normal, std 0.01",
}
DTYPES = {"float32": torch.float32, "float64": torch.float64}
MAX_INDEX_TEXT = 20_000  # characters of typed indices: parsing is cheap, but not unbounded
MAX_BATCH = 10_000  # looked-up indices, so the page's tables stay drawable
MAX_WEIGHT_BYTES = 4 * 2**20  # the weight is remade on every change, and copied (budget.py)


MAX_ROWS = 2**24  # n: the weight cap below allows no more, even at d = 1
LOOKUP = "Lookup settings"
_SIZE_WHY = "a table needs at least one row and one number per row"


@dataclass(frozen=True)
class LookupConfig:
    """Everything that decides the Lookup page; round-trips through the URL."""

    n: int = setting(
        8,
        "n: rows (num_embeddings)",
        "How many rows the table has: users, items, words...",
        low=1,
        high=MAX_ROWS,
        step=1,
        group=LOOKUP,
        why=_SIZE_WHY,
    )
    d: int = setting(
        4,
        "d: numbers per row (embedding_dim)",
        "The length of each embedding vector.",
        low=1,
        high=MAX_ROWS,
        step=1,
        group=LOOKUP,
        why=_SIZE_WHY,
    )
    indices: str = setting(
        "3, 0, 3",
        "Indices to look up",
        "A batch like `3, 0, 3` (repeats allowed) or a 2-D batch like `[[1, 2], [3, 3]]`.",
        widget="text",
        group=LOOKUP,
    )
    seed: int = setting(
        0,
        "Seed",
        "One seed makes the weight, the bias and the upstream gradient.",
        low=0,
        high=2**53 - 1,
        step=1,
        group=LOOKUP,
    )
    init: str = setting(
        "embedding",
        "Weight initialisation",
        "How the one shared weight is filled.",
        choices=tuple(INITS),
        widget="select",
        group=LOOKUP,
    )
    padding_idx: int | None = setting(
        None,
        "padding_idx (empty: none)",
        "This row starts at zero and never gets a gradient.",
        low=-MAX_ROWS,
        high=MAX_ROWS - 1,
        step=1,
        group=LOOKUP,
    )
    max_norm: float | None = setting(
        None,
        "max_norm (empty: none)",
        "Looked-up rows longer than this are rescaled, in place.",
        low=0.0,
        above=True,
        high=1e30,
        fmt="%.3f",
        group=LOOKUP,
    )
    dtype: str = setting(
        "float32",
        "dtype",
        "The number type of the weight and of every tensor made from it.",
        choices=tuple(DTYPES),
        widget="radio",
        group=LOOKUP,
    )
    sparse: bool = setting(
        False,
        "sparse=True (sparse gradient)",
        "nn.Embedding(sparse=True): the weight's gradient is a sparse tensor.",
        widget="checkbox",
        group=LOOKUP,
    )
    put_inf: bool = setting(
        False,
        "Put inf in a row not looked up",
        "Shows where the two paths part: 0 x inf is NaN.",
        widget="checkbox",
        group=LOOKUP,
    )
    book_biases: bool = setting(
        False,
        "Show the book's per-row biases",
        "Also show the book's per-row scalar biases, Embedding(n, 1).",
        widget="checkbox",
        group=LOOKUP,
    )


def parse_indices(text: str) -> list:
    """Parse '3, 0, 3' or '[[1, 2], [3, 3]]' into a list (1-D) or a list of equal-length lists.

    Raises ValueError with a message that says what was wrong and what to type instead.
    """
    text = text.strip()
    if not text:
        raise ValueError("The batch of indices is empty: type at least one index, e.g. `3, 0, 3`.")
    if len(text) > MAX_INDEX_TEXT:
        raise ValueError(
            f"The indices text is {len(text):,} characters; the page takes at most "
            f"{MAX_INDEX_TEXT:,}. Look up a shorter batch."
        )
    try:
        value = ast.literal_eval(text if text.startswith("[") else f"[{text}]")
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        raise ValueError(
            f"Could not read {text[:40]!r} as indices: type whole numbers separated by commas, "
            "like `3, 0, 3`, or a 2-D batch like `[[1, 2], [3, 3]]`."
        ) from None
    if isinstance(value, int) and not isinstance(value, bool):
        value = [value]
    if not isinstance(value, list) or not value:
        raise ValueError("The batch of indices is empty: type at least one index, e.g. `3, 0, 3`.")
    if all(isinstance(v, list) for v in value):
        widths = {len(v) for v in value}
        if len(widths) != 1 or 0 in widths:
            raise ValueError(
                "A 2-D batch needs rows of the same, non-zero length, "
                "like `[[1, 2], [3, 3]]`: every row is one sample."
            )
        flat = [x for row in value for x in row]
    else:
        flat = value
    for x in flat:
        if isinstance(x, bool) or not isinstance(x, int):
            raise ValueError(
                f"{x!r} is not a whole number: indices pick rows of the table, so each is an "
                "integer like 0, 1, 2."
            )
    if len(flat) > MAX_BATCH:
        raise ValueError(f"{len(flat):,} indices is more than the page shows ({MAX_BATCH:,}).")
    return value


def check_config(config: LookupConfig) -> torch.Tensor:
    """Validate a config and return its index tensor; ValueError says what to change."""
    check_settings(config)
    weight_bytes = config.n * config.d * DTYPES[config.dtype].itemsize
    if weight_bytes > MAX_WEIGHT_BYTES:
        need, most = format_bytes_apart(weight_bytes, MAX_WEIGHT_BYTES)
        raise ValueError(
            f"A {config.n:,} x {config.d:,} {config.dtype} weight needs {need}; "
            f"the page holds at most {most}. Lower n or d."
        )
    if config.padding_idx is not None and not -config.n <= config.padding_idx < config.n:
        raise ValueError(
            f"padding_idx = {config.padding_idx} is outside the table: it must be in "
            f"[-{config.n}, {config.n - 1}], or left empty."
        )
    idx = torch.tensor(parse_indices(config.indices), dtype=torch.long)
    bad = idx[(idx < 0) | (idx >= config.n)]
    if bad.numel():
        raise ValueError(
            f"Index {int(bad[0])} is out of range for a table of n = {config.n} rows: "
            f"indices must be in 0..{config.n - 1} (nn.Embedding takes no negative indices). "
            "Raise n or pick a smaller index."
        )
    check_view(cost_of(config, idx), config.n, config.d, idx.numel())
    return idx


def cost_of(config: LookupConfig, idx: torch.Tensor):
    """The view's cost (budget.view_cost) for a checked config and its indices."""
    bags = 1 if idx.dim() == 1 else idx.shape[0]
    return view_cost(config.n, config.d, idx.numel(), bags, DTYPES[config.dtype].itemsize)
