"""Reading what a model learned: PCA, neighbours, biases, recommendations, a new user."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from explorer.pca import pca_basis, project
from explorer.train.model.models import sigmoid_range


def pca_2d(x: torch.Tensor) -> torch.Tensor:
    """Project (n, k) rows on their first two principal components: (n, 2).

    Each component's sign is fixed (its largest loading is positive), so the picture does
    not flip between two snapshots of slowly changing factors.
    """
    return project(x, *pca_basis(x))


def align_to(coords: torch.Tensor, previous: torch.Tensor | None) -> torch.Tensor:
    """Turn (and mirror, if need be) 2-D points to sit best on the previous frame's: an
    orthogonal Procrustes fit. PCA's axes can swap or flip between two snapshots whose top
    components are close; aligned, the cloud holds still and only the points move.

    coords, previous: (n, 2), the same items in the same order."""
    if previous is None or previous.shape != coords.shape:
        return coords
    u, _, vh = torch.linalg.svd(coords.double().T @ previous.double())  # (2, 2)
    return (coords.double() @ (u @ vh)).float()


def item_neighbours(
    factors: torch.Tensor, item: int, k: int = 10, eligible: torch.Tensor | None = None
) -> list[tuple[int, float]]:
    """The k items whose factors are closest to `item`'s by cosine similarity.

    eligible: (n_items,) bool; items outside it are skipped (rarely rated items have factors
    that barely moved from their random start, and their cosines are noise).
    """
    sims = F.cosine_similarity(factors, factors[item].unsqueeze(0), dim=1)  # (n_items,)
    if eligible is not None:
        sims = sims.masked_fill(~eligible, -2.0)
    sims[item] = -2.0  # never its own neighbour
    top = sims.topk(min(k, len(sims) - 1))
    return list(zip(top.indices.tolist(), top.values.tolist(), strict=True))


def bias_ranking(
    item_bias: torch.Tensor, counts: torch.Tensor, k: int = 10, min_ratings: int = 20
) -> tuple[list[int], list[int]]:
    """Items with the highest and the lowest bias, among those rated at least min_ratings times.

    As in the book: a low bias means people rate the item low even when it suits their taste.
    """
    eligible = (counts >= min_ratings).nonzero().flatten()
    if len(eligible) == 0:
        eligible = torch.arange(len(item_bias))
    order = item_bias[eligible].argsort()
    return eligible[order.flip(0)[:k]].tolist(), eligible[order[:k]].tolist()


def predict_items(
    user_vec: torch.Tensor,
    user_b: float,
    item_factors: torch.Tensor,
    item_bias: torch.Tensor | None,
    y_range: tuple[float, float] | None,
) -> torch.Tensor:
    """One user's predicted rating for every item: (n_items,)."""
    raw = item_factors @ user_vec + user_b
    if item_bias is not None:
        raw = raw + item_bias
    return raw if y_range is None else sigmoid_range(raw, *y_range)


def user_scores(model, user: int) -> torch.Tensor:
    """The model's prediction of every item for one user: (n_items,). Any model: for the
    dot-product ones it equals predict_items on the user's row."""
    n = model.item_factors.num_embeddings
    with torch.no_grad():
        return model(torch.full((n,), user), torch.arange(n)).float()


def recommend(scores: torch.Tensor, rated: list[int], n: int = 10) -> list[tuple[int, float]]:
    """The n best-scored items not in `rated`."""
    scores = scores.clone()
    if rated:
        scores[torch.tensor(rated)] = -torch.inf
    top = scores.topk(min(n, int(torch.isfinite(scores).sum())))
    return list(zip(top.indices.tolist(), top.values.tolist(), strict=True))


def fold_in_user(
    rated: dict[int, float],
    item_factors: torch.Tensor,
    item_bias: torch.Tensor | None,
    y_range: tuple[float, float] | None,
    wd: float = 0.1,
    steps: int = 300,
    seed: int = 0,
) -> tuple[torch.Tensor, float]:
    """Fit a new user's factors (and bias) to a few ratings, the item side held fixed.

    The book's cold-start question: the item factors already say what each film is, so a
    handful of ratings places a new user among them. Returns (user vector (k,), user bias).
    """
    if not rated:
        raise ValueError("Rate at least one item to place a new user.")
    items = torch.tensor(list(rated))
    target = torch.tensor(list(rated.values()), dtype=torch.float32)
    k = item_factors.shape[1]
    gen = torch.Generator().manual_seed(seed)
    vec = (torch.randn(k, generator=gen) * 0.01).requires_grad_(True)
    bias = torch.zeros(1, requires_grad=True)
    opt = torch.optim.Adam([vec, bias], lr=0.05)
    fixed_f, fixed_b = item_factors[items].detach(), None
    if item_bias is not None:
        fixed_b = item_bias[items].detach()
    for _ in range(steps):
        pred = predict_items(vec, bias[0], fixed_f, fixed_b, y_range)
        loss = F.mse_loss(pred, target) + wd * (vec**2).sum() / len(items)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return vec.detach(), float(bias.detach()[0])
