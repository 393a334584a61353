"""One prediction of a trained model, step by step, as the book's DotProduct.forward computes it.

Every number is the model's own: the two rows are the embeddings' lookups, the sum of their
element-wise product plus the biases is `model.raw`, and sigmoid_range of it is `model(x)`.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from explorer.train.model.models import CollabNN, DotProduct, sigmoid_range


@dataclass(frozen=True)
class PredictionSteps:
    """The forward pass of one (user, item) pair."""

    user: int
    item: int
    user_row: torch.Tensor  # (n_factors,): user_factors(user), a lookup of row `user`
    item_row: torch.Tensor  # (n_factors,): item_factors(item)
    product: torch.Tensor | None  # (n_factors,): user_row * item_row, one term per factor
    dot: float | None  # product.sum(): the dot product (None for CollabNN)
    user_bias: float | None  # DotProductBias only
    item_bias: float | None
    raw: float  # dot + biases: the score before y_range
    y_range: tuple[float, float] | None
    prediction: float  # sigmoid_range(raw, *y_range), or raw without a y_range
    layers: tuple[tuple[str, torch.Tensor], ...] = ()  # CollabNN: the concatenation, then
    # each layer's output, named as the module prints


def _collab_steps(model: CollabNN, user: int, item: int) -> PredictionSteps:
    """CollabNN's own chain: two rows, their concatenation, each layer, sigmoid_range."""
    u, i = torch.tensor([user]), torch.tensor([item])
    with torch.no_grad():
        user_row, item_row = model.user_factors(u), model.item_factors(i)  # (1, k1), (1, k2)
        x = torch.cat([user_row, item_row], dim=1)  # (1, k1 + k2)
        steps = [("torch.cat([user_row, item_row])", x[0])]
        for layer in model.layers:
            x = layer(x)
            steps.append((str(layer), x[0]))
        raw = x[0, 0]
        pred = raw if model.y_range is None else sigmoid_range(raw, *model.y_range)
    return PredictionSteps(
        user=user,
        item=item,
        user_row=user_row[0],
        item_row=item_row[0],
        product=None,
        dot=None,
        user_bias=None,
        item_bias=None,
        raw=float(raw),
        y_range=model.y_range,
        prediction=float(pred),
        layers=tuple(steps),
    )


def prediction_steps(model: DotProduct | CollabNN, user: int, item: int) -> PredictionSteps:
    """Recompute model(user, item) one step at a time, with the model's own modules."""
    if isinstance(model, CollabNN):
        return _collab_steps(model, user, item)
    u, i = torch.tensor([user]), torch.tensor([item])
    with torch.no_grad():
        user_row = model.user_factors(u)[0].float()  # (n_factors,)
        item_row = model.item_factors(i)[0].float()
        product = user_row * item_row
        dot = product.sum()
        ub = ib = None
        raw = dot
        if hasattr(model, "user_bias"):
            ub, ib = model.user_bias(u)[0, 0].float(), model.item_bias(i)[0, 0].float()
            raw = dot + ub + ib
        pred = raw if model.y_range is None else sigmoid_range(raw, *model.y_range)
    return PredictionSteps(
        user=user,
        item=item,
        user_row=user_row,
        item_row=item_row,
        product=product,
        dot=float(dot),
        user_bias=None if ub is None else float(ub),
        item_bias=None if ib is None else float(ib),
        raw=float(raw),
        y_range=model.y_range,
        prediction=float(pred),
    )
