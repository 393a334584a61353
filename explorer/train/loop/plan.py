"""A run's plan: what a page needs to know of it without a trainer or a device.

The page keeps a Plan and a CPU model that receives the worker's weights; only the worker
holds a Trainer (its optimizer, its device tensors). The baselines are fitted here, once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from explorer import limits
from explorer.data.ratings import Ratings, Split
from explorer.devices import resolve_device
from explorer.train.config import ONE_HOT_MODELS, TrainConfig, make_split
from explorer.train.model.baselines import Baselines, baselines
from explorer.train.model.models import DotProduct, OneHotLinear, make_model
from explorer.train.step.row_adamw import uses_row_updates

EVAL_CHUNK = 1_000_000  # validation rows scored at once, to bound memory on 10M sets
ONE_HOT_EVAL_BYTES = 64 * 2**20  # a one-hot model scores in chunks of one-hot rows this large


@dataclass(frozen=True, eq=False)
class Plan:
    """The config, the split, the baselines and the sizes of one run."""

    config: TrainConfig
    split: Split
    baselines: Baselines
    device: str  # the device that trains, resolved from config.device ("auto" -> "cpu"...)
    steps_per_epoch: int
    total_steps: int
    n_users: int
    n_items: int
    need_bytes: int = 0  # the worker's memory for the run (run_bytes and a one-hot's batches)

    def model(self) -> DotProduct:
        """The model this plan trains, initialised from its seed, on the CPU: the one recipe,
        read by the page (its copy, which gets the worker's weights) and by the worker. Each
        process makes its own from the seed (the same bits): sending the tables would cost
        more than making them."""
        c = self.config
        sparse = c.optimizer == "SparseAdam"
        return make_model(
            c.model, self.n_users, self.n_items, c.n_factors, c.y_range, c.init, sparse, c.seed
        )


def run_bytes(n_ratings: int, n_train: int, n_rows: int, n_factors: int, steps: int = 0) -> int:
    """Memory a worker needs for a run: its copy of the data (users and items as int64,
    ratings as float32), the training rows and one epoch's shuffled copy with its order, the
    tables (n_users + n_items rows of n_factors + 1) nine times over: the weights, AdamW's two
    moments and the gradients (or, for row updates, the packed block of the three), the
    rollback's copy, two snapshots on the way to the page; and, for row updates, 128 bytes a
    step for the schedule's tables (`steps`, 0 otherwise)."""
    data = 20 * n_ratings + (20 + 28) * n_train
    return data + 9 * 4 * n_rows * (n_factors + 1) + 48 * n_rows + 128 * steps


def one_hot_bytes(config: TrainConfig, n_users: int, n_items: int) -> int:
    """Memory a one-hot x Linear model's step takes beyond an Embedding's: each table builds
    a (batch, n) float32 one-hot and autograd keeps it for the backward pass (0 for the
    Embedding models)."""
    if config.model not in ONE_HOT_MODELS:
        return 0
    tables = 2 if "Bias" in config.model else 1  # the factors' tables, and the biases'
    return 2 * 4 * config.batch_size * (n_users + n_items) * tables


def check_budget(
    ratings: Ratings, config: TrainConfig, n_train: int, steps: int, device: str = "cpu"
) -> int:
    """The memory the run's worker needs; ValueError with the numbers and the fix when the
    server cannot afford the run."""
    work = n_train * config.epochs
    if work > limits.max_run_ratings():
        raise ValueError(
            f"This run would train on {n_train:,} ratings x {config.epochs:,} epochs = "
            f"{work:,} rating steps (about {work / 5e5 / 60:,.0f} minutes at 500,000 a "
            f"second); this server allows {limits.max_run_ratings():,} a run "
            "(EXPLORER_MAX_RUN_RATINGS). Use fewer epochs or a smaller data set."
        )
    n_rows = ratings.n_users + ratings.n_items
    schedule = steps if uses_row_updates(config, device) else 0
    need = run_bytes(len(ratings), n_train, n_rows, config.n_factors, schedule)
    one_hot = one_hot_bytes(config, ratings.n_users, ratings.n_items)
    if need + one_hot > limits.max_run_bytes() and one_hot > need:
        raise ValueError(
            f"This run's one-hot batches would need about {one_hot / 2**20:,.0f} MB: each step "
            f"builds a {config.batch_size:,} x {n_rows:,} one-hot of float32 per table (users "
            f"and items), which autograd keeps, where nn.Embedding reads {config.batch_size:,} "
            f"rows; this server gives a run at most {limits.max_run_bytes() / 2**20:,.0f} MB "
            "(EXPLORER_MAX_RUN_MB). Use a smaller batch size, or the Embedding model."
        )
    need += one_hot
    if need > limits.max_run_bytes():
        steps_part, steps_fix = "", ""
        if 128 * schedule > need / 4:
            steps_part = f", and the schedule of AdamW on the touched rows for {steps:,} steps"
            steps_fix = ", a larger batch size, fewer epochs, or AdamW on the touched rows off"
        raise ValueError(
            f"This run would need about {need / 2**20:,.0f} MB ({len(ratings):,} ratings, "
            f"{n_rows:,} users and items of {config.n_factors} factors{steps_part}); this "
            f"server gives a run at most {limits.max_run_bytes() / 2**20:,.0f} MB "
            f"(EXPLORER_MAX_RUN_MB). Use fewer factors or a smaller data set{steps_fix}."
        )
    return need


@dataclass(frozen=True)
class DataSizes:
    """The sizes of a data set not built yet: enough to check a run's budget."""

    n_ratings: int
    n_users: int
    n_items: int

    def __len__(self) -> int:
        return self.n_ratings


def check_before_building(sizes: DataSizes, config: TrainConfig) -> None:
    """The run's budget from the data's sizes alone: a set the run could not train on is
    refused before the server spends time and memory building it."""
    config.check()
    n = sizes.n_ratings
    n_train = n if config.official_split else n - round(n * config.valid_pct)
    steps = max(1, math.ceil(n_train / config.batch_size)) * config.epochs
    check_budget(sizes, config, n_train, steps, resolve_device(config.device).type)


def make_plan(ratings: Ratings, config: TrainConfig, split: Split | None = None) -> Plan:
    """Check the config, the device and the server's budget, split the data, fit the
    baselines: ValueError if any is wrong."""
    config.check()
    device = resolve_device(config.device)
    split = split or make_split(ratings, config)
    steps = max(1, math.ceil(len(split.train) / config.batch_size))
    need = check_budget(ratings, config, len(split.train), steps * config.epochs, device.type)
    u, i, r = ratings.users, ratings.items, ratings.ratings
    base = baselines(u, i, r, split.train, split.valid, ratings.n_users, ratings.n_items)
    n_users, n_items = ratings.n_users, ratings.n_items
    total = steps * config.epochs
    return Plan(config, split, base, device.type, steps, total, n_users, n_items, need)


def predict(model: DotProduct, users: torch.Tensor, items: torch.Tensor) -> torch.Tensor:
    """Predictions in chunks, on the model's device: (N,) float32 on the CPU. A one-hot model
    scores in smaller chunks: each row builds one-hot rows as wide as its tables."""
    device = next(model.parameters()).device
    width = sum(m.num_embeddings for m in model.modules() if isinstance(m, OneHotLinear))
    chunk = max(1, min(EVAL_CHUNK, ONE_HOT_EVAL_BYTES // (4 * width))) if width else EVAL_CHUNK
    out = []
    with torch.no_grad():
        for a in range(0, len(users), chunk):
            u = users[a : a + chunk].to(device)
            i = items[a : a + chunk].to(device)
            out.append(model(u, i).float().cpu())
    return torch.cat(out) if out else torch.empty(0)
