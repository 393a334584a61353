"""The grid behind TrainConfig's defaults, tuned on a split of u1.base only (never u1.test).

    python -m bench.tune [--data PATH] [--folds N] [--wide]

20% of u1.base (seeded) is held out for scoring; u1.test is not read. Prints every setting's
validation RMSE and training seconds, best first. `--folds 5` holds out each fifth of u1.base
in turn and averages (cross-validation; the fifths' RMSEs differ by about 0.013, more than
the settings do); `--wide` tries a wider grid.
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
from explorer.train.loop.events import EpochEvent
from explorer.train.loop.trainer import Trainer

GRID = dict(lr=(4e-3, 6e-3), wd=(0.1, 0.2, 0.3), epochs=(5, 6), bias_wd=(0.0, None))
WIDE = dict(lr=(6e-3, 8e-3, 1e-2), wd=(0.3, 0.4, 0.5), epochs=(5, 6), bias_wd=(0.0,))
FIFTHS = 5


def tuning_splits(ratings, folds: int = 1) -> list[Split]:
    """Seeded 80/20 splits of the official split's training rows: the first `folds` of its
    five fifths, each held out in turn (the first one is the split the defaults were tuned
    on)."""
    base = official_split(ratings).train
    perm = base[torch.randperm(len(base), generator=torch.Generator().manual_seed(123))]
    parts = perm.chunk(FIFTHS)
    return [
        Split(
            torch.cat([p for g, p in enumerate(parts) if g != f]),
            parts[f],
            f"fifth {f + 1} of u1.base (seed 123)",
            0,
            0,
        )
        for f in range(folds)
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", default=str(ML100K))
    parser.add_argument(
        "--folds",
        type=int,
        default=1,
        choices=range(1, FIFTHS + 1),
        help="hold out each of the first N fifths of u1.base in turn (cross-validation)",
    )
    parser.add_argument("--wide", action="store_true", help="a wider grid around the defaults")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    ratings = read_movielens(Path(args.data), split="u1")
    splits = tuning_splits(ratings, args.folds)
    grid = WIDE if args.wide else GRID
    rows = []
    for values in itertools.product(*grid.values()):
        kw = dict(zip(grid, values, strict=True))
        scores, seconds = [], 0.0
        for split in splits:
            trainer = Trainer(ratings, TrainConfig(**kw), split=split)
            start = time.perf_counter()
            scores.append([e for e in trainer.run() if isinstance(e, EpochEvent)][-1].valid.rmse)
            seconds += time.perf_counter() - start
        rows.append((sum(scores) / len(scores), seconds / len(splits), scores, kw))
    how = splits[0].how if len(splits) == 1 else f"each of {len(splits)} fifths of u1.base"
    print(f"\nTuning grid on {how}, batch 256, DotProductBias, 50 factors:")
    print(f"    {'RMSE':>7} {'seconds':>8}  {'each fold':<{7 * len(splits)}} setting")
    for rmse, seconds, scores, kw in sorted(rows, key=lambda r: r[0]):
        each = " ".join(f"{x:.4f}" for x in scores)
        print(f"    {rmse:>7.4f} {seconds:>8.2f}  {each:<{7 * len(splits)}} {kw}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
