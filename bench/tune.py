"""The grid behind TrainConfig's defaults, tuned on a split of u1.base only (never u1.test).

    python -m bench.tune [--data PATH]

20% of u1.base (seeded) is held out for scoring; u1.test is not read. Prints every setting's
validation RMSE and training seconds, best first.
"""

from __future__ import annotations

import argparse
import itertools
import time
from pathlib import Path

import torch

from bench.train_speed import ML100K
from explorer.data.movielens import read_movielens
from explorer.data.ratings import Split, official_split
from explorer.train.config import TrainConfig
from explorer.train.events import EpochEvent
from explorer.train.trainer import Trainer

GRID = dict(lr=(4e-3, 6e-3), wd=(0.1, 0.2, 0.3), epochs=(5, 6), bias_wd=(0.0, None))


def tuning_split(ratings) -> Split:
    """A seeded 80/20 split of the official split's training rows."""
    base = official_split(ratings).train
    perm = base[torch.randperm(len(base), generator=torch.Generator().manual_seed(123))]
    n_valid = len(perm) // 5
    return Split(perm[n_valid:], perm[:n_valid], "20% of u1.base (seed 123)", 0, 0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", default=str(ML100K))
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    ratings = read_movielens(Path(args.data), split="u1")
    split = tuning_split(ratings)
    rows = []
    for values in itertools.product(*GRID.values()):
        kw = dict(zip(GRID, values, strict=True))
        trainer = Trainer(ratings, TrainConfig(**kw), split=split)
        start = time.perf_counter()
        last = [e for e in trainer.run() if isinstance(e, EpochEvent)][-1]
        rows.append((last.valid.rmse, time.perf_counter() - start, kw))
    print(f"\nTuning grid on {split.how}, batch 256, DotProductBias, 50 factors:")
    print(f"    {'RMSE':>7} {'seconds':>8}  setting")
    for rmse, seconds, kw in sorted(rows, key=lambda r: r[0]):
        print(f"    {rmse:>7.4f} {seconds:>8.2f}  {kw}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
