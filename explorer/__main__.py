"""Command line: `python -m explorer train ...` (benchmarks: `python -m bench.train_speed`)."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

from tqdm import tqdm

from explorer.data.choice import DataChoice
from explorer.data.csvfile import read_ratings_csv
from explorer.data.movielens import read_movielens
from explorer.data.ratings import Ratings
from explorer.data.synthetic import synthetic_ratings
from explorer.settings import bounds_text, parse_entry, problem, table
from explorer.train.config import TrainConfig, y_range_for
from explorer.train.loop.events import EndEvent, EpochEvent
from explorer.train.loop.trainer import Trainer
from explorer.view.export import projector_tsv, save_checkpoint


def load_data(args: argparse.Namespace) -> Ratings:
    """The data the arguments name: synthetic (default), a MovieLens path, or a download."""
    choice = DataChoice(**values_from_args(args, DataChoice, DATA_FLAGS))
    split = choice.split or None
    if args.data == "synthetic":
        return synthetic_ratings(choice.n_ratings, n_genres=choice.genres, seed=choice.data_seed)
    if args.data == "ml-100k":
        from explorer.data.download import download_ml100k, find_ml100k

        return read_movielens(find_ml100k() or download_ml100k(progressbar=True), split)
    path = Path(args.data).expanduser()
    if path.is_file() and path.suffix.lower() in (".csv", ".tsv", ".txt"):
        if split:
            raise ValueError("--split is for MovieLens 100k; a CSV of your own has no split.")
        return read_ratings_csv(path.read_bytes(), source=f"ratings from {path.name}")
    return read_movielens(path, split)


DATA_FLAGS = ("n_ratings", "genres", "data_seed", "split")  # DataChoice's rows with a flag;
# `--data` names the source itself: synthetic, ml-100k, or a path (a folder, a zip, a CSV)


def _add_table_args(parser, cls: type, title: str, names: tuple[str, ...] | None = None) -> None:
    """One flag per row of a settings table, with its help and bounds from the table."""
    group = parser.add_argument_group(title)
    for e in table(cls):
        if names is not None and e.name not in names:
            continue
        allowed = bounds_text(e)
        text = f"{e.setting.help} Default {_default_text(e.default)}"
        text += f"; {allowed}." if allowed else "."
        group.add_argument(
            e.flag, dest=e.name, default=None, metavar="VALUE", help=text.replace("%", "%%")
        )


def _default_text(value) -> str:
    if value is None:
        return "empty"
    if isinstance(value, tuple):
        return ",".join(map(str, value))
    return str(value)


def values_from_args(args, cls: type, names: tuple[str, ...] | None = None) -> dict:
    """The flags given for a table's rows, each parsed and checked by its row."""
    values = {}
    for e in table(cls):
        text = getattr(args, e.name, None) if names is None or e.name in names else None
        if text is None:
            continue
        try:
            value = parse_entry(e, text)
        except ValueError:
            raise ValueError(f"{e.flag} {text!r}: not a valid value.") from None
        why = problem(e, value)
        if why:
            raise ValueError(f"{e.flag} {text!r}: {why}.")
        values[e.name] = value
    return values


def config_from_args(args: argparse.Namespace) -> TrainConfig:
    """TrainConfig from the --field arguments, each parsed and checked by its table row."""
    return TrainConfig(**values_from_args(args, TrainConfig))


def train(args: argparse.Namespace) -> int:
    ratings = load_data(args)
    config = config_from_args(args)
    if args.y_range is None and config.y_range is not None:  # the data's scale, as the page
        config = dataclasses.replace(config, y_range=y_range_for(*ratings.rating_range))
    if args.split and not config.official_split:
        config = dataclasses.replace(config, official_split=True)
    trainer = Trainer(ratings, config)
    split = trainer.split
    print(
        f"{ratings.source}: {len(ratings):,} ratings, {ratings.n_users:,} users, "
        f"{ratings.n_items:,} items; split {split.how}, {len(split.valid):,} validation "
        f"ratings ({split.cold_users} users, {split.cold_items} items seen only there)"
    )
    print(
        f"device {trainer.device}, {config.model}, {config.n_factors} factors, "
        f"{config.optimizer} lr {config.lr:g} wd {config.wd:g}, batch {config.batch_size}"
    )
    print(
        f"{'epoch':>5} {'train loss':>10} {'valid RMSE':>10} {'MAE':>7} {'seconds':>8} "
        f"{'ratings/s':>11}"
    )
    bar = tqdm(  # a terminal only: redrawn into a log file, it floods it
        total=trainer.total_steps,
        unit="step",
        leave=False,
        file=sys.stderr,
        disable=not sys.stderr.isatty(),
    )
    end = None
    for event in trainer.run():
        if isinstance(event, EpochEvent):
            tqdm.write(
                f"{event.epoch:>5} {event.train_loss:>10.4f} {event.valid.rmse:>10.4f} "
                f"{event.valid.mae:>7.4f} {event.seconds:>8.2f} "
                f"{event.ratings_per_s:>11,.0f}"
            )
        elif isinstance(event, EndEvent):
            end = event
        bar.n = trainer.global_step
        bar.refresh()
    bar.close()
    base = trainer.baselines
    final = trainer.evaluate()
    print(f"\n{'model':<22} {'RMSE':>7} {'MAE':>7}")
    for name, m in (
        ("global mean", base.global_mean),
        ("user + item biases", base.biases),
        (config.model, final),
    ):
        print(f"{name:<22} {m.rmse:>7.4f} {m.mae:>7.4f}")
    print(end.message if end else "")
    if args.checkpoint:
        save_checkpoint(Path(args.checkpoint), trainer.model, config, ratings)
        print(f"checkpoint: {args.checkpoint}")
    if args.projector:
        out = Path(args.projector)
        out.mkdir(parents=True, exist_ok=True)
        vectors, meta = projector_tsv(trainer.model.item_factors.weight.detach(), ratings)
        (out / "vectors.tsv").write_text(vectors)
        (out / "metadata.tsv").write_text(meta)
        print(f"projector files: {out / 'vectors.tsv'}, {out / 'metadata.tsv'}")
    return 0 if end is not None and end.status == "finished" else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m explorer", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("train", help="train a DotProduct model and print a per-epoch table")
    p.add_argument(
        "--data",
        default="synthetic",
        help="synthetic (default), ml-100k (found in data/ or downloaded), "
        "a MovieLens folder or zip, or a ratings CSV of your own (user, item, rating)",
    )
    p.add_argument("--checkpoint", help="save the trained model to this file")
    p.add_argument("--projector", help="write vectors.tsv and metadata.tsv into this folder")
    _add_table_args(p, DataChoice, "data settings (the same table as the page's)", DATA_FLAGS)
    _add_table_args(p, TrainConfig, "training settings (the same table as the page's)")
    p.set_defaults(func=train)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except (ValueError, RuntimeError, OSError) as err:  # bad input: a message, no traceback
        print(f"error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
