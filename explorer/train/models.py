"""The book's collaborative-filtering models (fastbook chapter 8), in plain torch."""

from __future__ import annotations

import torch
from torch import nn

MODELS = ("DotProduct", "DotProductBias")
INITS = {
    "fastai": "truncated normal, std 0.01 (the book's choice: small, so training starts calm)",
    "normal": "PyTorch's nn.Embedding default N(0, 1): large dot products, slow or unstable start",
}


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
    ):
        super().__init__()
        self.user_factors = nn.Embedding(n_users, n_factors, sparse=sparse)
        self.item_factors = nn.Embedding(n_items, n_factors, sparse=sparse)
        self.y_range = y_range
        for emb in self.embeddings():
            init_embedding(emb, init, generator)

    def embeddings(self) -> list[nn.Embedding]:
        return [m for m in self.children() if isinstance(m, nn.Embedding)]

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
    ):
        super().__init__(n_users, n_items, n_factors, y_range, init, sparse, generator)
        self.user_bias = nn.Embedding(n_users, 1, sparse=sparse)
        self.item_bias = nn.Embedding(n_items, 1, sparse=sparse)
        for emb in (self.user_bias, self.item_bias):
            init_embedding(emb, init, generator)

    def raw(self, users: torch.Tensor, items: torch.Tensor) -> torch.Tensor:
        res = super().raw(users, items)  # (batch,)
        return res + self.user_bias(users)[:, 0] + self.item_bias(items)[:, 0]


def make_model(
    name: str,
    n_users: int,
    n_items: int,
    n_factors: int,
    y_range,
    init: str = "fastai",
    sparse: bool = False,
    seed: int = 0,
) -> DotProduct:
    """Build a model by name, initialised from the seed."""
    if name not in MODELS:
        raise ValueError(f"Unknown model {name!r}: choose one of {MODELS}.")
    if n_factors < 1:
        raise ValueError(f"n_factors = {n_factors}: a model needs at least one factor.")
    cls = DotProduct if name == "DotProduct" else DotProductBias
    gen = torch.Generator().manual_seed(seed)
    return cls(n_users, n_items, n_factors, y_range, init, sparse, gen)
