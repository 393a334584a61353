"""Trainer benchmarks, each measured side by side in one run.

    python -m bench.train_speed [--device cpu|cuda] [--data PATH] [--quick] [--no-scale]

1. Time to accuracy on MovieLens 100k u1.base/u1.test (the synthetic set when the folder is
   absent): the book's recipe in plain torch (bench/reference.py, per sample as the reader
   writes it, and batched, as fast as plain PyTorch runs it) against this trainer's defaults,
   alternated twice: seconds per epoch, test RMSE per epoch, and the time each needs to reach
   each reference's final RMSE.
2. Accuracy of DotProductBias's defaults on u1.test beside the global-mean and bias-only
   baselines.
3. Scale: epoch time, time per rating and peak memory on synthetic sets of 100k, 1M and 10M
   ratings (each in a fresh process, so its peak memory is its own), with the default AdamW
   on the touched rows, torch's dense AdamW (its step touches every row of both tables) and
   SparseAdam (the touched rows, no weight decay).
4. Every goal of the speed issue, its figure beside its target.
For a GPU: `python -m bench.train_speed --device cuda` runs the same on the card
(bench/gpu_checks.sh runs it with the other GPU checks).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import torch

from bench.time_to_accuracy import goals, load, time_to_accuracy
from explorer.data.synthetic import synthetic_ratings
from explorer.train.config import TrainConfig
from explorer.train.loop.events import EpochEvent
from explorer.train.loop.trainer import Trainer

ROOT = Path(__file__).resolve().parents[1]
ML100K = ROOT.parent / "shared" / "data" / "ml-100k"


VARIANTS = {  # the scale table's optimizers: name -> TrainConfig fields
    "AdamW-rows": {},
    "AdamW-dense": dict(row_updates=False),
    "SparseAdam": dict(optimizer="SparseAdam", wd=0.0, bias_wd=None),
}


def scale_child(n_ratings: int, epochs: int, device: str, optimizer: str) -> None:
    """Runs in a fresh process: prints one JSON line with its timings and peak memory."""
    import resource

    torch.set_num_threads(1)
    start = time.perf_counter()
    r = synthetic_ratings(n_ratings, seed=0)
    made = time.perf_counter() - start
    trainer = Trainer(
        r,
        TrainConfig(epochs=epochs, device=device, snapshot_every=100_000, **VARIANTS[optimizer]),
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


def scale(device: str, sizes: list[int], optimizers: list[str]) -> dict:
    print(
        f"\n3. Scale on synthetic sets, device {device}, default settings but the optimizer "
        "(each run in its own process; no snapshots; epoch s: the fastest epoch)"
    )
    print(
        f"    {'optimizer':>12} {'ratings':>10} {'epochs':>6} {'generate s':>10} {'epoch s':>8} "
        f"{'us/rating':>10} {'peak RSS MiB':>12}" + (f" {'GPU MiB':>8}" if device != "cpu" else "")
    )
    rows: dict[str, dict[int, float]] = {}
    for opt in optimizers:
        for n in sizes:
            rows.setdefault(opt, {})[n] = _scale_row(device, n, opt)
    return rows


def _scale_row(device: str, n: int, optimizer: str) -> float:
    # the best of 2 epochs; one at 10M for the slow ones (their epoch is half a minute)
    epochs = 2 if n <= 1_000_000 or optimizer == "AdamW-rows" else 1
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
        f"    {optimizer:>12} {r['n']:>10,} {epochs:>6} {r['make_s']:>10.2f} {r['epoch_s']:>8.2f} "
        f"{r['us_per_rating']:>10.3f} {r['peak_mib']:>12,.0f}"
    )
    if device != "cpu":
        line += f" {r['gpu_mib']:>8,.0f}"
    print(line, flush=True)
    return r["us_per_rating"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--data", help="a MovieLens 100k folder (default: ../shared/data)")
    parser.add_argument("--quick", action="store_true", help="time to accuracy only")
    parser.add_argument("--no-scale", action="store_true")
    parser.add_argument("--sizes", default="100000,1000000,10000000")
    parser.add_argument("--optimizer", default="AdamW-rows", help=argparse.SUPPRESS)
    parser.add_argument(
        "--optimizers", default=",".join(VARIANTS), help="optimizers the scale table compares"
    )
    parser.add_argument("--scale-child", nargs=2, type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.scale_child:
        scale_child(*args.scale_child, args.device, args.optimizer)
        return 0
    torch.set_num_threads(1)
    ratings, label = load(args.data)
    figures = time_to_accuracy(ratings, label, args.device, 1 if args.quick else 2)
    rows = {}
    if not (args.quick or args.no_scale):
        rows = scale(
            args.device, [int(s) for s in args.sizes.split(",")], args.optimizers.split(",")
        )
    goals(figures, rows, args.device)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
