"""Ratings: one value for every data source, id encoding, and train/validation splits.

Unseen ids: users and items are encoded over the WHOLE data set, so a user or item that
appears only in the validation rows still gets an embedding row. No training step touches
that row, so it keeps its initial value (near zero with the book's init) and the model
predicts from the other side's factors and biases alone. fastai instead keeps no row for
such an id. `Split.cold_users` and `Split.cold_items` count them so the page can say so.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import torch


class _TensorAsArray:
    """A tensor's values while pickled: a numpy array, which pickles as plain bytes."""

    __slots__ = ("array",)

    def __init__(self, array: np.ndarray):
        self.array = array

    def __reduce__(self):
        return (_TensorAsArray, (self.array,))


def _rebuild(cls, values: dict):
    out = {
        k: torch.from_numpy(v.array) if isinstance(v, _TensorAsArray) else v
        for k, v in values.items()
    }
    return cls(**out)


class PickledAsArrays:
    """Pickled with numpy arrays in place of tensors. A tensor sent to a worker process is
    moved to shared memory (/dev/shm, 64 MB in a default container, which a 3M-rating set
    overflows); plain arrays are copied through the pipe instead, and this process's
    tensors stay where they are."""

    def __reduce__(self):
        values = {}
        for f in dataclasses.fields(self):
            v = getattr(self, f.name)
            values[f.name] = _TensorAsArray(v.numpy()) if isinstance(v, torch.Tensor) else v
        return (_rebuild, (type(self), values))


@dataclass(frozen=True)
class Planted(PickledAsArrays):
    """The synthetic set's true factors and biases, kept to score what training recovers."""

    user_factors: torch.Tensor  # (n_users, k)
    item_factors: torch.Tensor  # (n_items, k)
    user_bias: torch.Tensor  # (n_users,)
    item_bias: torch.Tensor  # (n_items,)


@dataclass(frozen=True, eq=False)
class Ratings(PickledAsArrays):
    """User and item indices 0..n-1, ratings, and the maps back to the original ids."""

    users: torch.Tensor  # (N,) long, 0..n_users-1
    items: torch.Tensor  # (N,) long, 0..n_items-1
    ratings: torch.Tensor  # (N,) float32
    user_ids: np.ndarray  # (n_users,) original id of each user index
    item_ids: np.ndarray  # (n_items,) original id of each item index
    source: str  # where it came from, in words
    rating_range: tuple[float, float]  # smallest and largest possible rating
    item_titles: list[str] | None = None  # (n_items,)
    item_genres: list[str] | None = None  # (n_items,) one label per item, for colouring
    is_valid: torch.Tensor | None = None  # (N,) bool: an official split's test rows
    planted: Planted | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)  # what the reader dropped or fixed

    @property
    def n_users(self) -> int:
        return len(self.user_ids)

    @property
    def n_items(self) -> int:
        return len(self.item_ids)

    def __len__(self) -> int:
        return len(self.ratings)

    @functools.cached_property
    def item_counts(self) -> torch.Tensor:
        """How many ratings each item has: (n_items,). Computed once, on first use."""
        return torch.bincount(self.items, minlength=self.n_items)

    @functools.cached_property
    def items_by_popularity(self) -> list[int]:
        """Item indices, the most rated first."""
        return self.item_counts.argsort(descending=True, stable=True).tolist()

    @property
    def density(self) -> float:
        return len(self) / max(1, self.n_users * self.n_items)

    def title(self, item: int) -> str:
        """Readable name of an item index."""
        return self.item_titles[item] if self.item_titles else f"item {self.item_ids[item]}"


def encode_ids(raw: pd.Series) -> tuple[torch.Tensor, np.ndarray]:
    """Map arbitrary ids to 0..n-1 in sorted order; return the codes and the original ids."""
    codes, uniques = pd.factorize(raw, sort=True)
    return torch.from_numpy(codes.astype(np.int64)), np.asarray(uniques)


def ratings_from_frame(
    frame: pd.DataFrame,
    source: str,
    rating_range: tuple[float, float] | None = None,
    titles: dict | None = None,
    genres: dict | None = None,
    is_valid: np.ndarray | None = None,
    notes: tuple[str, ...] = (),
) -> Ratings:
    """Build Ratings from a frame with columns user, item, rating (ids of any kind)."""
    users, user_ids = encode_ids(frame["user"])
    items, item_ids = encode_ids(frame["item"])
    values = frame["rating"].to_numpy(dtype=np.float32)
    if rating_range is None:
        rating_range = (float(values.min()), float(values.max()))
    return Ratings(
        users=users,
        items=items,
        ratings=torch.from_numpy(values.copy()),
        user_ids=user_ids,
        item_ids=item_ids,
        source=source,
        rating_range=rating_range,
        item_titles=[str(titles.get(i, i)) for i in item_ids] if titles else None,
        item_genres=[str(genres.get(i, "unknown")) for i in item_ids] if genres else None,
        is_valid=None if is_valid is None else torch.from_numpy(np.asarray(is_valid, dtype=bool)),
        notes=notes,
    )


@dataclass(frozen=True)
class Split(PickledAsArrays):
    """Row positions of the training and validation ratings."""

    train: torch.Tensor  # (n_train,) long
    valid: torch.Tensor  # (n_valid,) long
    how: str  # "random 20% (seed 0)" or "official split"
    cold_users: int  # users seen only in validation: their rows are never trained
    cold_items: int


def _count_cold(ratings: Ratings, train: torch.Tensor, valid: torch.Tensor) -> tuple[int, int]:
    counts = []
    for ids, n in ((ratings.users, ratings.n_users), (ratings.items, ratings.n_items)):
        seen = torch.zeros(n, dtype=torch.bool)
        seen[ids[train]] = True
        counts.append(int((~seen[ids[valid].unique()]).sum()))
    return counts[0], counts[1]


def random_split(ratings: Ratings, valid_pct: float = 0.2, seed: int = 0) -> Split:
    """A seeded random split; valid_pct of the rows go to validation."""
    if not 0 < valid_pct < 1:
        raise ValueError(f"valid_pct = {valid_pct}: choose a share between 0 and 1, e.g. 0.2.")
    n = len(ratings)
    n_valid = int(round(n * valid_pct))
    if n_valid < 1 or n_valid >= n:
        raise ValueError(
            f"{n} ratings cannot be split {valid_pct:.0%} / {1 - valid_pct:.0%}: "
            "each side needs at least one rating. Use more data or another share."
        )
    perm = torch.randperm(n, generator=torch.Generator().manual_seed(seed))
    valid, train = perm[:n_valid], perm[n_valid:]
    return Split(
        train, valid, f"random {valid_pct:.0%} (seed {seed})", *_count_cold(ratings, train, valid)
    )


def official_split(ratings: Ratings) -> Split:
    """The split that came with the data (MovieLens u1..u5, ua, ub)."""
    if ratings.is_valid is None:
        raise ValueError(
            f"{ratings.source} has no official split: use a random validation share instead."
        )
    valid = ratings.is_valid.nonzero().flatten()
    train = (~ratings.is_valid).nonzero().flatten()
    return Split(train, valid, "official split", *_count_cold(ratings, train, valid))
