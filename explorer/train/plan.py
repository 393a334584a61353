"""A run's plan: what a page needs to know of it without a trainer or a device.

The page keeps a Plan and a CPU model that receives the worker's weights; only the worker
holds a Trainer (its optimizer, its device tensors). The baselines are fitted here, once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from explorer.data.ratings import Ratings, Split
from explorer.train.baselines import Baselines, baselines
from explorer.train.config import TrainConfig, make_split
from explorer.train.devices import resolve_device
from explorer.train.models import DotProduct, make_model

EVAL_CHUNK = 1_000_000  # validation rows scored at once, to bound memory on 10M sets


@dataclass(frozen=True, eq=False)
class Plan:
    """The config, the split, the baselines and the sizes of one run."""

    config: TrainConfig
    split: Split
    baselines: Baselines
    device: str  # the device that trains, resolved from config.device ("auto" -> "cpu"...)
    steps_per_epoch: int
    total_steps: int


def make_plan(ratings: Ratings, config: TrainConfig, split: Split | None = None) -> Plan:
    """Check the config and the device, split the data, fit the baselines: ValueError if bad."""
    config.check()
    device = resolve_device(config.device)
    split = split or make_split(ratings, config)
    u, i, r = ratings.users, ratings.items, ratings.ratings
    base = baselines(u, i, r, split.train, split.valid, ratings.n_users, ratings.n_items)
    steps = max(1, math.ceil(len(split.train) / config.batch_size))
    return Plan(config, split, base, device.type, steps, steps * config.epochs)


def new_model(ratings: Ratings, config: TrainConfig) -> DotProduct:
    """The model a config asks for, initialised from its seed, on the CPU."""
    return make_model(
        config.model,
        ratings.n_users,
        ratings.n_items,
        config.n_factors,
        config.y_range,
        config.init,
        config.optimizer == "SparseAdam",
        config.seed,
    )


def predict(model: DotProduct, users: torch.Tensor, items: torch.Tensor) -> torch.Tensor:
    """Predictions in chunks, on the model's device: (N,) float32 on the CPU."""
    device = next(model.parameters()).device
    out = []
    with torch.no_grad():
        for a in range(0, len(users), EVAL_CHUNK):
            u = users[a : a + EVAL_CHUNK].to(device)
            i = items[a : a + EVAL_CHUNK].to(device)
            out.append(model(u, i).float().cpu())
    return torch.cat(out) if out else torch.empty(0)
