"""What one training run is: `TrainConfig`, one table row per setting, and its split.

Defaults: tuned on a split of MovieLens u1.base (`bench/tune.py`), never on u1.test.
"""

from __future__ import annotations

from dataclasses import dataclass

from explorer.data.ratings import Ratings, Split, official_split, random_split
from explorer.devices import DEVICES
from explorer.settings import check_settings, setting

# The choices, declared here once; the rooms below implement them (train/model, train/step).
DOT_MODELS = ("DotProduct", "DotProductBias")  # a prediction is a dot product of two rows
# the same two models with each table an nn.Linear(n, d, bias=False) on one-hot rows instead
# of an nn.Embedding: the Lookup page's question, asked of training (one weight, two ways)
ONE_HOT_MODELS = ("DotProductOneHot", "DotProductBiasOneHot")
FACTOR_MODELS = (*DOT_MODELS, *ONE_HOT_MODELS)  # one row of factors per user and per item
MODELS = (*DOT_MODELS, "CollabNN", *ONE_HOT_MODELS)
INITS = {
    "fastai": "truncated normal, std 0.01 (the book's choice: small, so training starts calm)",
    "normal": "PyTorch's nn.Embedding default N(0, 1): large dot products, slow or unstable start",
}
OPTIMIZERS = ("AdamW", "Adam", "SGD", "SparseAdam")
SCHEDULES = ("one_cycle", "constant")

MODEL, TRAINING, ADVANCED = "Model", "Training", "Advanced"


@dataclass(frozen=True)
class TrainConfig:
    """One training run; round-trips through the URL and the command line."""

    model: str = setting(
        "DotProductBias",
        "Model",
        "DotProduct: factors only. DotProductBias: plus a bias per user and per item, as the "
        "book's second model. CollabNN: the book's third, the two rows concatenated into a "
        "small neural net (its widths by fastai's rule, not n_factors). ...OneHot: the same "
        "model with nn.Linear(n, d, bias=False) on one-hot rows for each table, from the same "
        "initial weights: train both ways and compare (plain torch step; slower, by design).",
        choices=MODELS,
        widget="select",
        group=MODEL,
    )
    n_factors: int = setting(
        50, "n_factors", "Numbers per user and per item.", low=1, high=1024, step=1, group=MODEL
    )
    y_range: tuple[float, float] | None = setting(
        (0.0, 5.5),
        "y_range (sigmoid_range)",
        "Squeeze predictions into (low, high); the book uses (0, 5.5). Empty: the raw score.",
        low=-1e6,
        high=1e6,
        step=0.5,
        widget="pair",
        group=MODEL,
    )
    init: str = setting(
        "fastai",
        "Init",
        " / ".join(f"{k}: {v}" for k, v in INITS.items()),
        choices=tuple(INITS),
        widget="select",
        group=MODEL,
    )
    optimizer: str = setting(
        "AdamW",
        "Optimizer",
        "AdamW decays weights apart from the gradient, as fastai's wd; SparseAdam updates only "
        "the rows a batch touched.",
        choices=OPTIMIZERS,
        widget="select",
        group=TRAINING,
    )
    lr: float = setting(
        6e-3,
        "Learning rate",
        "The peak rate of one-cycle, or the constant rate.",
        low=1e-6,
        high=1000.0,
        fmt="%.4g",
        group=TRAINING,
    )
    schedule: str = setting(
        "one_cycle",
        "Schedule",
        "one_cycle: fastai's fit_one_cycle; constant: a fixed rate.",
        choices=SCHEDULES,
        widget="select",
        group=TRAINING,
    )
    wd: float = setting(
        0.3,
        "Weight decay (factors)",
        "Pulls factors towards zero: less overfitting.",
        low=0.0,
        high=10.0,
        fmt="%.3g",
        group=TRAINING,
    )
    bias_wd: float | None = setting(
        0.0,
        "Weight decay (biases)",
        "Empty: the same as the factors'. 0 fitted best on MovieLens.",
        low=0.0,
        high=10.0,
        fmt="%.3g",
        group=TRAINING,
    )
    epochs: int = setting(
        5, "Epochs", "Passes over the data.", low=1, high=1000, step=1, group=TRAINING
    )
    batch_size: int = setting(
        256, "Batch size", "Ratings per step.", low=1, high=1_000_000, step=1, group=TRAINING
    )
    seed: int = setting(
        0,
        "Seed",
        "Init, shuffling and the split: on the CPU, the same seed gives the same run, bit for bit.",
        low=0,
        high=2**31 - 1,
        step=1,
        group=TRAINING,
    )
    official_split: bool = setting(
        False,
        "Use the official split",
        "The data's own test rows become the validation set.",
        widget="checkbox",
        group=TRAINING,
    )
    valid_pct: float = setting(
        0.2,
        "Validation share",
        "Random share of ratings held out.",
        low=0.05,
        high=0.5,
        step=0.05,
        widget="slider",
        group=TRAINING,
    )
    device: str = setting(
        "auto",
        "Device",
        "auto: cuda, then mps, then cpu.",
        choices=DEVICES,
        widget="select",
        group=TRAINING,
    )
    threads: int = setting(
        1,
        "CPU threads",
        "One is steadiest on a small shared machine.",
        low=1,
        high=64,
        step=1,
        group=TRAINING,
    )
    snapshot_every: int = setting(
        50,
        "Snapshot every (steps)",
        "Steps between the factor snapshots the live plots draw.",
        low=1,
        high=100_000,
        step=1,
        group=ADVANCED,
    )
    log_every: int = setting(
        10,
        "Report the loss every (steps)",
        "Steps between loss reports: each costs one device-to-host copy.",
        low=1,
        high=10_000,
        step=1,
        group=ADVANCED,
    )
    fast_step: bool = setting(
        True,
        "Closed-form gradients",
        "The same maths as autograd with a third of the per-step overhead; off: autograd, "
        "the reference path.",
        widget="checkbox",
        group=ADVANCED,
    )
    row_updates: bool = setting(
        True,
        "AdamW on the touched rows",
        "Each step updates only the rows its batch used; a row's skipped steps (its decay, its "
        "momentum's drift) are applied when it is next used, so a step costs the same however "
        "large the tables. Off: torch's AdamW over every row. DotProduct models with AdamW and "
        "closed-form gradients, on cpu and cuda.",
        widget="checkbox",
        group=ADVANCED,
    )

    def check(self) -> None:
        """Raise ValueError naming the field and a value that works."""
        check_settings(self)
        if self.y_range is not None and not self.y_range[0] < self.y_range[1]:
            raise ValueError(f"y_range needs low < high, not {self.y_range}.")
        if self.optimizer == "SparseAdam" and self.model in ONE_HOT_MODELS:
            raise ValueError(
                "SparseAdam needs sparse gradients, which only nn.Embedding(sparse=True) gives: "
                "a one-hot x Linear table's gradient is dense. Pick AdamW."
            )
        if self.optimizer == "SparseAdam" and self.model == "CollabNN":
            raise ValueError(
                "SparseAdam updates embedding rows only: CollabNN's layers need a dense "
                "optimizer. Pick AdamW."
            )
        if self.optimizer == "SparseAdam" and (self.wd > 0 or (self.bias_wd or 0) > 0):
            raise ValueError(
                "SparseAdam has no weight decay: set wd (and the biases' wd) to 0, or pick AdamW."
            )


def make_split(ratings: Ratings, config: TrainConfig) -> Split:
    """The split a config asks for."""
    if config.official_split:
        return official_split(ratings)
    return random_split(ratings, config.valid_pct, config.seed)


def y_range_for(low: float, high: float) -> tuple[float, float]:
    """The book's y_range for ratings from low to high, by one rule for any scale: a quarter
    of the span below the lowest, an eighth above the highest, so that sigmoid_range, which
    never reaches its ends, can reach every rating. 1-5 stars: (0, 5.5), the book's."""
    span = high - low if high > low else 1.0
    return (round(low - span / 4, 6), round(high + span / 8, 6))
