"""The book's collaborative-filtering models (fastbook chapter 8), in plain torch."""

from __future__ import annotations

import torch
from torch import nn

from explorer.train.config import INITS, MODELS, ONE_HOT_MODELS


def sigmoid_range(x: torch.Tensor, low: float, high: float) -> torch.Tensor:
    """Sigmoid scaled to (low, high), as fastai's sigmoid_range."""
    return torch.sigmoid(x) * (high - low) + low


def init_embedding(emb: nn.Embedding, init: str, generator: torch.Generator | None = None):
    """Initialise one embedding table in place."""
    with torch.no_grad():
        if init == "fastai":
            nn.init.trunc_normal_(
                emb.weight, std=0.01, a=-0.02, b=0.02, generator=generator
            )  # fastai: at 2 std
        elif init == "normal":
            emb.weight.normal_(0.0, 1.0, generator=generator)
        else:
            raise ValueError(f"Unknown init {init!r}: choose one of {list(INITS)}.")


class OneHotLinear(nn.Module):
    """A table as nn.Linear(n, d, bias=False) on one-hot rows: `one_hot(idx) @ W`, which is
    F.linear(one_hot(idx), W.T), nn.Linear's own computation with its weight W.T (d, n), as
    on the Lookup page. The parameter is stored as W, (n, d), the Embedding's layout, so
    everything that reads a model's factors reads both kinds alike.
    tests/train/model/test_models.py checks it against a real nn.Linear."""

    def __init__(self, n: int, d: int):
        super().__init__()
        self.num_embeddings, self.embedding_dim = n, d
        self.weight = nn.Parameter(torch.empty(n, d))

    def forward(self, idx: torch.Tensor) -> torch.Tensor:
        one_hot = nn.functional.one_hot(idx, self.num_embeddings).to(self.weight.dtype)
        return nn.functional.linear(one_hot, self.weight.t())  # (batch, n) @ (n, d)


TABLES = (nn.Embedding, OneHotLinear)


class DotProduct(nn.Module):
    """The book's DotProduct: user and item embeddings, their dot product, optional y_range."""

    def __init__(
        self,
        n_users: int,
        n_items: int,
        n_factors: int,
        y_range: tuple[float, float] | None = (0, 5.5),
        init: str = "fastai",
        sparse: bool = False,
        generator: torch.Generator | None = None,
        one_hot: bool = False,
    ):
        super().__init__()
        self.one_hot = one_hot
        self.user_factors = self.table(n_users, n_factors, sparse)
        self.item_factors = self.table(n_items, n_factors, sparse)
        self.y_range = y_range
        for emb in self.embeddings():
            init_embedding(emb, init, generator)

    def table(self, n: int, d: int, sparse: bool) -> nn.Module:
        """An (n, d) table: an nn.Embedding, or one-hot x nn.Linear (the same numbers)."""
        return OneHotLinear(n, d) if self.one_hot else nn.Embedding(n, d, sparse=sparse)

    def embeddings(self) -> list[nn.Module]:
        return [m for m in self.children() if isinstance(m, TABLES)]

    def raw(self, users: torch.Tensor, items: torch.Tensor) -> torch.Tensor:
        """Score before y_range: (batch,)."""
        return (self.user_factors(users) * self.item_factors(items)).sum(dim=1)

    def forward(self, users: torch.Tensor, items: torch.Tensor) -> torch.Tensor:
        """Predicted ratings, (batch,)."""
        res = self.raw(users, items)
        return res if self.y_range is None else sigmoid_range(res, *self.y_range)


class DotProductBias(DotProduct):
    """DotProduct plus a per-user and a per-item bias, Embedding(n, 1) each, as in the book."""

    def __init__(
        self,
        n_users,
        n_items,
        n_factors,
        y_range=(0, 5.5),
        init="fastai",
        sparse=False,
        generator=None,
        one_hot=False,
    ):
        super().__init__(n_users, n_items, n_factors, y_range, init, sparse, generator, one_hot)
        self.user_bias = self.table(n_users, 1, sparse)
        self.item_bias = self.table(n_items, 1, sparse)
        for emb in (self.user_bias, self.item_bias):
            init_embedding(emb, init, generator)

    def raw(self, users: torch.Tensor, items: torch.Tensor) -> torch.Tensor:
        res = super().raw(users, items)  # (batch,)
        return res + self.user_bias(users)[:, 0] + self.item_bias(items)[:, 0]


def emb_sz_rule(n_cat: int) -> int:
    """fastai's get_emb_sz rule: the width of an embedding for n_cat categories."""
    return min(600, round(1.6 * n_cat**0.56))


class CollabNN(nn.Module):
    """The book's third model: the user's and the item's rows concatenated into a small MLP,
    sigmoid_range at the end. Widths by fastai's rule, not n_factors."""

    def __init__(
        self,
        n_users: int,
        n_items: int,
        y_range: tuple[float, float] | None = (0, 5.5),
        init: str = "fastai",
        n_act: int = 100,
        generator: torch.Generator | None = None,
    ):
        super().__init__()
        self.user_factors = nn.Embedding(n_users, emb_sz_rule(n_users))
        self.item_factors = nn.Embedding(n_items, emb_sz_rule(n_items))
        width = self.user_factors.embedding_dim + self.item_factors.embedding_dim
        self.layers = nn.Sequential(nn.Linear(width, n_act), nn.ReLU(), nn.Linear(n_act, 1))
        self.y_range = y_range
        for emb in self.embeddings():
            init_embedding(emb, init, generator)
        for layer in (self.layers[0], self.layers[2]):  # nn.Linear's own init, but seeded
            bound = 1 / layer.in_features**0.5
            with torch.no_grad():
                layer.weight.uniform_(-bound, bound, generator=generator)
                layer.bias.uniform_(-bound, bound, generator=generator)

    def embeddings(self) -> list[nn.Embedding]:
        return [self.user_factors, self.item_factors]

    def raw(self, users: torch.Tensor, items: torch.Tensor) -> torch.Tensor:
        """The MLP's output before y_range: (batch,)."""
        rows = torch.cat([self.user_factors(users), self.item_factors(items)], dim=1)
        return self.layers(rows)[:, 0]

    def forward(self, users: torch.Tensor, items: torch.Tensor) -> torch.Tensor:
        res = self.raw(users, items)
        return res if self.y_range is None else sigmoid_range(res, *self.y_range)


def make_model(
    name: str,
    n_users: int,
    n_items: int,
    n_factors: int,
    y_range,
    init: str = "fastai",
    sparse: bool = False,
    seed: int = 0,
) -> DotProduct | CollabNN:
    """Build a model by name, initialised from the seed."""
    if name not in MODELS:
        raise ValueError(f"Unknown model {name!r}: choose one of {MODELS}.")
    if n_factors < 1:
        raise ValueError(f"n_factors = {n_factors}: a model needs at least one factor.")
    gen = torch.Generator().manual_seed(seed)
    if name == "CollabNN":
        return CollabNN(n_users, n_items, y_range, init, generator=gen)
    cls = DotProduct if name.startswith("DotProduct") and "Bias" not in name else DotProductBias
    return cls(n_users, n_items, n_factors, y_range, init, sparse, gen, name in ONE_HOT_MODELS)
