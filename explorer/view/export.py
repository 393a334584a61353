"""Checkpoints (loaded with weights_only=True, never unpickled) and Embedding Projector TSVs."""

from __future__ import annotations

import io
import pickle
from dataclasses import asdict, fields
from pathlib import Path
from typing import BinaryIO

import torch

from explorer.data.ratings import Ratings
from explorer.train.config import TrainConfig
from explorer.train.model.models import DotProduct, make_model

FORMAT = "embedding-explorer/checkpoint-1"


def _plain(values) -> list:
    """numpy ids -> Python ints or strings, which weights_only loading allows."""
    return [v.item() if hasattr(v, "item") else str(v) for v in values]


def save_checkpoint(
    target: Path | BinaryIO, model: DotProduct, config: TrainConfig, ratings: Ratings
) -> None:
    """Model state, config and id maps in one torch file."""
    torch.save(
        {
            "format": FORMAT,
            "model_state": {k: v.detach().cpu() for k, v in model.state_dict().items()},
            "config": asdict(config),
            "n_users": ratings.n_users,
            "n_items": ratings.n_items,
            "user_ids": _plain(ratings.user_ids),
            "item_ids": _plain(ratings.item_ids),
            "item_titles": list(ratings.item_titles or []),
            "source": ratings.source,
        },
        target,
    )


def checkpoint_bytes(model: DotProduct, config: TrainConfig, ratings: Ratings) -> bytes:
    """The checkpoint as bytes, for a download button."""
    buf = io.BytesIO()
    save_checkpoint(buf, model, config, ratings)
    return buf.getvalue()


def load_checkpoint(source: Path | BinaryIO) -> tuple[DotProduct, TrainConfig, dict]:
    """Load a checkpoint the page or `--checkpoint` saved: (model, config, the rest).

    Safely: weights_only=True, never unpickled. ValueError for anything but one of ours."""
    try:
        data = torch.load(source, map_location="cpu", weights_only=True)
    except (pickle.UnpicklingError, RuntimeError, EOFError, ValueError, OSError) as err:
        raise ValueError(
            "This file is not an Embedding Explorer checkpoint (it could not be read as plain "
            f"tensors and values: {str(err).splitlines()[0][:120]}). Save one from the Train page "
            "or with `python -m explorer train --checkpoint FILE`."
        ) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError(
            "This file holds tensors but is not an Embedding Explorer checkpoint: save one from "
            "the Train page or with `python -m explorer train --checkpoint FILE`."
        )
    try:
        return _from_checkpoint(data)
    except (KeyError, TypeError, AttributeError, ValueError, RuntimeError) as err:
        raise ValueError(
            "This file looks like an Embedding Explorer checkpoint but its contents do not fit "
            f"together ({type(err).__name__}: {str(err).splitlines()[0][:120]}): save it again "
            "from the Train page or with `python -m explorer train --checkpoint FILE`."
        ) from None


def _from_checkpoint(data: dict) -> tuple[DotProduct, TrainConfig, dict]:
    known = {f.name for f in fields(TrainConfig)}
    cfg = {k: v for k, v in data["config"].items() if k in known}
    if cfg.get("y_range") is not None:
        cfg["y_range"] = tuple(cfg["y_range"])
    config = TrainConfig(**cfg)
    config.check()
    model = make_model(
        config.model,
        int(data["n_users"]),
        int(data["n_items"]),
        config.n_factors,
        config.y_range,
        config.init,
    )
    model.load_state_dict(data["model_state"])
    return model, config, data


def projector_vectors(factors: torch.Tensor) -> str:
    """The Embedding Projector's vectors file: one row of tab-separated numbers, no header."""
    return "\n".join("\t".join(f"{x:.6g}" for x in row) for row in factors.tolist()) + "\n"


def projector_metadata(ratings: Ratings) -> str:
    """The Embedding Projector's metadata file. It has several columns, so it needs a header."""
    lines = ["title\tgenre\tid"]
    for item in range(ratings.n_items):
        genre = ratings.item_genres[item] if ratings.item_genres else ""
        title = ratings.title(item).replace("\t", " ").replace("\n", " ")
        lines.append(f"{title}\t{genre}\t{ratings.item_ids[item]}")
    return "\n".join(lines) + "\n"


def projector_tsv(factors: torch.Tensor, ratings: Ratings) -> tuple[str, str]:
    """The TensorFlow Embedding Projector pair for (n_items, k) factors: vectors, metadata."""
    return projector_vectors(factors), projector_metadata(ratings)
