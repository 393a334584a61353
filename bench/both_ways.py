"""Train it both ways: nn.Embedding against one-hot x nn.Linear, side by side in one run.

    python -m bench.both_ways [--data PATH] [--model DotProductBias] [--epochs 5]

The same model (DotProductBias by default), seed, batches and plain torch step (autograd and
torch's AdamW; the fast steps are for Embedding tables only), on MovieLens 100k u1.base
(../shared/data/ml-100k, or the synthetic set when absent), the two alternated twice: the
largest difference between their batch losses (float32 summation order: a row read against a
matrix product with zeros) and the seconds per epoch of each, with their ratio.
"""

from __future__ import annotations

import argparse

import torch

from bench.time_to_accuracy import load
from bench.train_speed import ML100K
from explorer.train.config import TrainConfig
from explorer.train.loop.events import BatchEvent, EpochEvent
from explorer.train.loop.trainer import Trainer


def run(ratings, config: TrainConfig) -> tuple[torch.Tensor, float, float]:
    """(batch losses, seconds per epoch, final validation RMSE)."""
    trainer = Trainer(ratings, config)
    losses, epochs = [], []
    for e in trainer.run():
        if isinstance(e, BatchEvent):
            losses += e.losses
        elif isinstance(e, EpochEvent):
            epochs.append(e)
    return torch.tensor(losses), sum(e.seconds for e in epochs) / len(epochs), epochs[-1].valid.rmse


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", default=str(ML100K))
    p.add_argument("--model", default="DotProductBias", choices=("DotProduct", "DotProductBias"))
    p.add_argument("--epochs", type=int, default=5)
    args = p.parse_args(argv)
    ratings, what = load(args.data)
    print(what)
    base = dict(fast_step=False, row_updates=False, device="cpu", epochs=args.epochs, threads=1)
    base["official_split"] = True
    got: dict[str, list] = {args.model: [], args.model + "OneHot": []}
    for _ in range(2):  # alternated, so a noisy machine hits both alike
        for name in got:
            got[name].append(run(ratings, TrainConfig(model=name, **base)))
    (a, *_), (b, *_) = got[args.model][0], got[args.model + "OneHot"][0]
    emb_s = min(r[1] for r in got[args.model])
    one_s = min(r[1] for r in got[args.model + "OneHot"])
    print(f"largest |loss difference| over {len(a):,} batches: {float((a - b).abs().max()):.3g}")
    print(
        f"final validation RMSE: {got[args.model][0][2]:.6f} (Embedding) against "
        f"{got[args.model + 'OneHot'][0][2]:.6f} (one-hot x Linear)"
    )
    print(
        f"seconds per epoch (best of 2): Embedding {emb_s:.3f}, one-hot x Linear {one_s:.3f}, "
        f"ratio {one_s / emb_s:.1f}x"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
