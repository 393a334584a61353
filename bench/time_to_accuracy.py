"""bench.train_speed's first part: time to accuracy against the book's recipe, alternated,
and the speed issue's goals, each figure beside its target."""

from __future__ import annotations

from pathlib import Path

import torch

from bench.reference import reference_run
from explorer.data.movielens import read_movielens
from explorer.data.ratings import official_split
from explorer.data.synthetic import synthetic_ratings
from explorer.train.config import TrainConfig
from explorer.train.loop.events import EpochEvent
from explorer.train.loop.trainer import Trainer

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


def ours(ratings, device: str, **kw) -> tuple[list[tuple[int, float, float]], Trainer]:
    trainer = Trainer(ratings, TrainConfig(official_split=True, device=device, **kw))
    rows, elapsed = [], 0.0
    for event in trainer.run():
        if isinstance(event, EpochEvent):
            elapsed += event.seconds
            rows.append((event.epoch, elapsed, event.valid.rmse))
    return rows, trainer


def first_reaching(rows, target: float) -> float | None:
    return next((t for _, t, rmse in rows if rmse <= target + 1e-12), None)


REFERENCES = (("book recipe, DataLoader per sample", False), ("book recipe, batched", True))


def _table(name: str, rows) -> None:
    print(f"  {name}: {rows[-1][1] / len(rows):.3f} s/epoch")
    print("    epoch  seconds  test RMSE")
    for epoch, t, rmse in rows:
        print(f"    {epoch:>5} {t:>8.2f} {rmse:>10.4f}")


def time_to_accuracy(ratings, label: str, device: str, rounds: int = 2) -> dict:
    """Each reference form and this trainer, alternated `rounds` times; returns the figures
    the goals are read from (the fastest round of each)."""
    split = official_split(ratings)
    data = (ratings.users, ratings.items, ratings.ratings)
    train = tuple(t[split.train] for t in data)
    test = tuple(t[split.valid] for t in data)
    print(f"\n1. Time to accuracy, {label}, device {device}, {torch.get_num_threads()} thread(s)")
    best: dict[str, list] = {}
    for k in range(1, rounds + 1):
        print(f"  round {k} of {rounds}")
        for name, batched in REFERENCES:
            rows = list(
                reference_run(
                    train,
                    test,
                    ratings.n_users,
                    ratings.n_items,
                    **{"device": device, "batched": batched},
                )
            )
            _table(name, rows)
            if name not in best or rows[-1][1] < best[name][-1][1]:
                best[name] = rows
        mine, trainer = ours(ratings, device)
        _table("this trainer, defaults", mine)
        if "ours" not in best or mine[-1][1] < best["ours"][-1][1]:
            best["ours"] = mine
        dense, _ = ours(ratings, device, row_updates=False)
        _table("this trainer, defaults but torch's dense AdamW", dense)
        if "dense" not in best or dense[-1][1] < best["dense"][-1][1]:
            best["dense"] = dense
    mine = best["ours"]
    out = {"s_per_epoch": mine[-1][1] / len(mine), "rmse": mine[-1][2], "seconds": mine[-1][1]}
    out["dense_rmse"] = best["dense"][-1][2]
    for name, _ in REFERENCES:
        ref = best[name]
        target = ref[-1][2]
        t_ref, t_mine = first_reaching(ref, target), first_reaching(mine, target)
        ratio = t_ref / t_mine if t_mine else 0.0
        out[name] = ratio
        print(
            f"  {name}: final RMSE {target:.4f} in {t_ref:.2f} s; this trainer reaches it in "
            + (f"{t_mine:.2f} s: {ratio:.1f}x sooner" if t_mine else "never")
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
    print(f"    {'this trainer':<24} {mine[-1][2]:>7.4f}   in {mine[-1][1]:.2f} s of training")
    return out


def goals(figures: dict, scale_rows: dict, device: str) -> None:
    """Each goal of the speed issue, its figure beside its target."""
    print("\n4. Goals (figure | target)")
    book, fast = (figures[name] for name, _ in REFERENCES)
    print(
        f"    sooner than the book's recipe to its RMSE: {fast:.1f}x batched, {book:.1f}x "
        "per sample | 30x (against the batched form)"
    )
    print(
        f"    seconds per epoch of u1.base at the defaults: {figures['s_per_epoch']:.3f} s | "
        "0.05 s (100x fastai's 5.6 s, measured in the issue; fastai is not installed here)"
    )
    print(
        f"    u1 test RMSE with the defaults: {figures['rmse']:.4f} in {figures['seconds']:.2f} "
        "s | 0.9090, no regression (the 0.905 goal was withdrawn: no setting of the book's "
        "model passed 0.9056 in cross-validation)"
    )
    for opt, rows in scale_rows.items():
        if len(rows) > 1:
            sizes = sorted(rows)
            growth = rows[sizes[-1]] / rows[sizes[0]]
            print(
                f"    time per rating, {opt}, {sizes[-1]:,} vs {sizes[0]:,} ratings: "
                f"{growth:.2f}x | at most 1.5x (for the default, AdamW-rows)"
            )
    gap = figures["rmse"] - figures["dense_rmse"]
    print(
        f"    u1 test RMSE, AdamW on the touched rows (the default) against torch's dense AdamW: "
        f"{figures['rmse']:.4f} against {figures['dense_rmse']:.4f}, {gap:+.4f} | within 0.002"
    )
    print(f"    device: {device} | cuda, where a GPU is lent (bench/gpu_checks.sh)")
