"""The built-in data set: ratings generated from planted factors, offline and seeded.

Items belong to genres and sit near their genre's centre in a small latent space; users
prefer some genres over others; users and items have biases; item popularity and user
activity have long tails; ratings get noise and are rounded and clipped to 1..5. The
planted factors are kept, so the app can show how well training recovers them.
"""

from __future__ import annotations

import math

import numpy as np
import torch

from explorer.data.ratings import Planted, Ratings

GENRES = ("Action", "Comedy", "Drama", "Horror", "Romance", "Sci-Fi", "Documentary", "Animation")
_WORDS = {
    "Action": ("Fury", "Strike", "Chase", "Blast", "Siege", "Vendetta"),
    "Comedy": ("Oops", "Holiday", "Wedding", "Roommates", "Mix-up", "Picnic"),
    "Drama": ("Silence", "Winter", "Letters", "Harbour", "Inheritance", "Orchard"),
    "Horror": ("Crypt", "Whispers", "Cellar", "Hollow", "Shadows", "Ritual"),
    "Romance": ("Kisses", "Paris", "Sunset", "Promise", "Heartbeat", "Serenade"),
    "Sci-Fi": ("Nebula", "Android", "Orbit", "Quantum", "Starship", "Colony"),
    "Documentary": ("Oceans", "Bees", "Glaciers", "Markets", "Railways", "Volcanoes"),
    "Animation": ("Bunny", "Dragon", "Robot", "Pirate", "Penguin", "Toybox"),
}
MIN_RATINGS, MAX_RATINGS = 100, 10_000_000  # the sizes a set may have (the table reads them)
MIN_GENRES = 2
GUMBEL_CELLS = 20_000_000  # up to this many (user, item) cells, sample exactly


def default_sizes(n_ratings: int) -> tuple[int, int]:
    """Users and items for a set of n_ratings, at about MovieLens 100k's density."""
    n_users = max(20, int(math.sqrt(n_ratings) * 3))
    n_items = max(20, int(math.sqrt(n_ratings) * 5))
    return n_users, n_items


def _titles(genre_of_item: np.ndarray) -> list[str]:
    titles = []
    for item, g in enumerate(genre_of_item):
        genre = GENRES[g]
        words = _WORDS[genre]
        titles.append(f"{words[item % len(words)]} {item // len(words) + 1} ({genre})")
    return titles


def _cap(p: np.ndarray, most: float) -> np.ndarray:
    """Probabilities clipped to at most `most` each, renormalised (a few rounds settle it)."""
    p = p / p.sum()
    for _ in range(5):
        p = np.minimum(p, most)
        p = p / p.sum()
    return p


def _sample_pairs(
    rng: np.random.Generator, user_p: np.ndarray, item_p: np.ndarray, n: int
) -> tuple[np.ndarray, np.ndarray]:
    """n distinct (user, item) pairs drawn with the given popularity, vectorised.

    Small tables: exact weighted sampling without replacement (Gumbel top-k over all cells).
    Large, sparse tables: draw with replacement and drop repeats, which are rare there.
    """
    n_users, n_items = len(user_p), len(item_p)
    # no item may expect more raters than a third of the users, nor a user more items than a
    # third of them: the tail stays long, and draws with replacement rarely repeat a pair
    user_p, item_p = _cap(user_p, n_items / 3 / n), _cap(item_p, n_users / 3 / n)
    if n_users * n_items <= GUMBEL_CELLS:
        keys = np.log(user_p)[:, None] + np.log(item_p)[None, :]
        keys = keys + rng.gumbel(size=keys.shape)
        codes = np.argpartition(keys.ravel(), -n)[-n:]
        return codes // n_items, codes % n_items
    codes = np.empty(0, dtype=np.int64)
    for _ in range(50):  # each round fills most of what repeats removed
        need = n - len(codes)
        if need <= 0:
            break
        draw = int(need * 1.3) + 16
        u = rng.choice(n_users, size=draw, p=user_p)
        i = rng.choice(n_items, size=draw, p=item_p)
        codes = np.sort(np.concatenate([codes, u.astype(np.int64) * n_items + i]))
        codes = codes[np.r_[True, codes[1:] != codes[:-1]]]  # unique by sorting: fast here
    if len(codes) < n:
        raise ValueError(
            f"Could not place {n:,} distinct ratings among {n_users:,} users x {n_items:,} "
            "items: ask for fewer ratings or more users and items."
        )
    codes = rng.permutation(codes)[:n]
    return codes // n_items, codes % n_items


def synthetic_ratings(
    n_ratings: int = 20_000,
    n_users: int | None = None,
    n_items: int | None = None,
    n_genres: int = 6,
    noise: float = 0.4,
    seed: int = 0,
) -> Ratings:
    """Ratings from planted factors; the same seed gives the same set."""
    if not MIN_RATINGS <= n_ratings <= MAX_RATINGS:
        raise ValueError(
            f"n_ratings = {n_ratings:,}: choose between {MIN_RATINGS:,} and {MAX_RATINGS:,}."
        )
    if not MIN_GENRES <= n_genres <= len(GENRES):
        raise ValueError(f"n_genres = {n_genres}: choose between {MIN_GENRES} and {len(GENRES)}.")
    du, di = default_sizes(n_ratings)
    n_users, n_items = n_users or du, n_items or di
    if n_ratings > n_users * n_items // 2:
        raise ValueError(
            f"{n_ratings:,} ratings would fill over half of {n_users:,} x {n_items:,} cells: "
            "ask for fewer ratings or more users and items."
        )
    rng = np.random.default_rng(seed)
    # Genre centres sit on a circle in a 2-D taste plane, so a 2-D projection of factors that
    # learned them shows every genre as its own cluster around the ring.
    genre_of_item = rng.integers(0, n_genres, size=n_items)
    angles = 2 * np.pi * np.arange(n_genres) / n_genres
    centres = 1.2 * np.stack([np.cos(angles), np.sin(angles)], axis=1)  # (n_genres, 2)
    item_f = centres[genre_of_item] + rng.normal(0, 0.2, size=(n_items, 2))
    taste = rng.normal(0, 0.9, size=(n_users, 2))  # a direction of liked genres, and how strongly
    user_b = rng.normal(0, 0.3, size=n_users)
    item_b = rng.normal(0, 0.4, size=n_items)
    item_p = rng.zipf(1.6, size=n_items).astype(float).clip(max=200)  # a long tail of popularity
    user_p = rng.lognormal(0, 0.8, size=n_users)
    users, items = _sample_pairs(rng, user_p / user_p.sum(), item_p / item_p.sum(), n_ratings)

    raw = 3.5 + user_b[users] + item_b[items] + np.einsum("nk,nk->n", taste[users], item_f[items])
    raw += rng.normal(0, noise, size=n_ratings)
    values = np.clip(np.rint(raw), 1, 5).astype(np.float32)
    titles = _titles(genre_of_item)
    used_genres = GENRES[:n_genres]
    return Ratings(
        users=torch.from_numpy(users),
        items=torch.from_numpy(items),
        ratings=torch.from_numpy(values),
        user_ids=np.arange(n_users),
        item_ids=np.arange(n_items),
        source=f"built-in synthetic set (seed {seed})",
        rating_range=(1.0, 5.0),
        item_titles=titles,
        item_genres=[used_genres[g] for g in genre_of_item],
        planted=Planted(
            user_factors=torch.from_numpy(taste).float(),
            item_factors=torch.from_numpy(item_f).float(),
            user_bias=torch.from_numpy(user_b).float(),
            item_bias=torch.from_numpy(item_b).float(),
        ),
    )
