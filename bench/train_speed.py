"""Trainer benchmarks, each measured side by side in one run.

    python -m bench.train_speed [--device cpu|cuda] [--data PATH] [--quick] [--no-scale]

1. Time to accuracy on MovieLens 100k u1.base/u1.test (the synthetic set when the folder is
   absent): the book's recipe in plain torch (bench/reference.py) against this trainer's
   defaults, each one's seconds per epoch, test RMSE per epoch, and the time each needs to
   reach the reference's final RMSE.
2. Accuracy of DotProductBias's defaults on u1.test beside the global-mean and bias-only
   baselines.
3. Scale: epoch time, time per rating and peak memory on synthetic sets of 100k, 1M and 10M
   ratings (each in a fresh process, so its peak memory is its own), with the default dense
   AdamW (its step touches every row of both tables) and the lazy SparseAdam (only the rows
   a batch touched).
For a GPU: `python -m bench.train_speed --device cuda` runs the same on the card.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import torch

from bench.reference import reference_run
from explorer.data.movielens import read_movielens
from explorer.data.ratings import official_split
from explorer.data.synthetic import synthetic_ratings
from explorer.train.config import TrainConfig
from explorer.train.events import EpochEvent
from explorer.train.trainer import Trainer

ROOT = Path(__file__).resolve().parents[1]
ML100K = ROOT.parent / "shared" / "data" / "ml-100k"


def load(data: str | None):
    path = Path(data) if data else ML100K
    if (path / "u1.base").exists():
        return read_movielens(path, split="u1"), "MovieLens 100k u1.base -> u1.test"
    r = synthetic_ratings(100_000, seed=0)
    from dataclasses import replace

    valid = torch.zeros(len(r), dtype=torch.bool)
    valid[torch.randperm(len(r), generator=torch.Generator().manual_seed(0))[:20_000]] = True
    return replace(r, is_valid=valid), "synthetic 100k (MovieLens folder not found)"


def ours(ratings, device: str) -> tuple[list[tuple[int, float, float]], Trainer]:
    trainer = Trainer(ratings, TrainConfig(official_split=True, device=device))
    rows, elapsed = [], 0.0
    for event in trainer.run():
        if isinstance(event, EpochEvent):
            elapsed += event.seconds
            rows.append((event.epoch, elapsed, event.valid.rmse))
    return rows, trainer


def first_reaching(rows, target: float) -> float | None:
    return next((t for _, t, rmse in rows if rmse <= target + 1e-12), None)


def time_to_accuracy(ratings, label: str, device: str) -> None:
    split = official_split(ratings)
    data = (ratings.users, ratings.items, ratings.ratings)
    train = tuple(t[split.train] for t in data)
    test = tuple(t[split.valid] for t in data)
    print(f"\n1. Time to accuracy, {label}, device {device}, {torch.get_num_threads()} thread(s)")
    ref = list(reference_run(train, test, ratings.n_users, ratings.n_items, device=device))
    mine, trainer = ours(ratings, device)
    target = ref[-1][2]
    for name, rows in (
        ("reference: book recipe, DataLoader bs 64", ref),
        ("this trainer, defaults", mine),
    ):
        per_epoch = rows[-1][1] / len(rows)
        print(f"  {name}: {per_epoch:.3f} s/epoch")
        print("    epoch  seconds  test RMSE")
        for epoch, t, rmse in rows:
            print(f"    {epoch:>5} {t:>8.2f} {rmse:>10.4f}")
    t_ref, t_mine = first_reaching(ref, target), first_reaching(mine, target)
    print(
        f"  reference final RMSE {target:.4f}: reached by the reference in {t_ref:.2f} s, "
        + (
            f"by this trainer in {t_mine:.2f} s: {t_ref / t_mine:.1f}x less time"
            if t_mine
            else "never by this trainer"
        )
    )
    base = trainer.baselines
    print(
        f"\n2. Accuracy of the defaults ({trainer.config.model}, {trainer.config.epochs} epochs, "
        f"batch {trainer.config.batch_size}, lr {trainer.config.lr:g}, wd {trainer.config.wd:g}, "
        f"bias wd {trainer.config.bias_wd}) on the test set"
    )
    print(f"    {'model':<24} {'RMSE':>7}")
    print(f"    {'global mean':<24} {base.global_mean.rmse:>7.4f}")
    print(f"    {'user + item biases':<24} {base.biases.rmse:>7.4f}")
    print(
        f"    {'this trainer':<24} {mine[-1][2]:>7.4f}   in {mine[-1][1]:.2f} s of training "
        f"(target: at most 0.912 in under 2 s)"
    )


def scale_child(n_ratings: int, epochs: int, device: str, optimizer: str) -> None:
    """Runs in a fresh process: prints one JSON line with its timings and peak memory."""
    import resource

    torch.set_num_threads(1)
    start = time.perf_counter()
    r = synthetic_ratings(n_ratings, seed=0)
    made = time.perf_counter() - start
    extra = dict(wd=0.0, bias_wd=None) if optimizer == "SparseAdam" else {}
    trainer = Trainer(
        r,
        TrainConfig(
            epochs=epochs, device=device, snapshot_every=10**9, optimizer=optimizer, **extra
        ),
    )
    seconds = [e.seconds for e in trainer.run() if isinstance(e, EpochEvent)]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB -> MiB on Linux
    gpu = torch.cuda.max_memory_allocated() / 2**20 if device.startswith("cuda") else 0.0
    n_train = len(trainer.split.train)
    print(
        json.dumps(
            {
                "n": n_ratings,
                "make_s": made,
                "epoch_s": min(seconds),
                "us_per_rating": min(seconds) / n_train * 1e6,
                "peak_mib": peak,
                "gpu_mib": gpu,
            }
        )
    )


def scale(device: str, sizes: list[int], optimizers: list[str]) -> None:
    print(
        f"\n3. Scale on synthetic sets, device {device}, default settings but the optimizer "
        "(each run in its own process)"
    )
    print(
        f"    {'optimizer':>10} {'ratings':>10} {'generate s':>10} {'epoch s':>8} "
        f"{'us/rating':>10} {'peak RSS MiB':>12}" + (f" {'GPU MiB':>8}" if device != "cpu" else "")
    )
    for opt in optimizers:
        for n in sizes:
            _scale_row(device, n, opt)


def _scale_row(device: str, n: int, optimizer: str) -> None:
    epochs = 2 if n <= 1_000_000 else 1
    out = (
        subprocess.run(
            [
                sys.executable,
                "-m",
                "bench.train_speed",
                "--scale-child",
                str(n),
                str(epochs),
                "--device",
                device,
                "--optimizer",
                optimizer,
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    r = json.loads(out)
    line = (
        f"    {optimizer:>10} {r['n']:>10,} {r['make_s']:>10.2f} {r['epoch_s']:>8.2f} "
        f"{r['us_per_rating']:>10.3f} {r['peak_mib']:>12,.0f}"
    )
    if device != "cpu":
        line += f" {r['gpu_mib']:>8,.0f}"
    print(line, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--data", help="a MovieLens 100k folder (default: ../shared/data)")
    parser.add_argument("--quick", action="store_true", help="time to accuracy only")
    parser.add_argument("--no-scale", action="store_true")
    parser.add_argument("--sizes", default="100000,1000000,10000000")
    parser.add_argument("--optimizer", default="AdamW", help=argparse.SUPPRESS)
    parser.add_argument(
        "--optimizers", default="AdamW,SparseAdam", help="optimizers the scale table compares"
    )
    parser.add_argument("--scale-child", nargs=2, type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.scale_child:
        scale_child(*args.scale_child, args.device, args.optimizer)
        return 0
    torch.set_num_threads(1)
    ratings, label = load(args.data)
    time_to_accuracy(ratings, label, args.device)
    if not (args.quick or args.no_scale):
        scale(args.device, [int(s) for s in args.sizes.split(",")], args.optimizers.split(","))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
