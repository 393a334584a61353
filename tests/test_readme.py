"""The README's figures that can be checked, checked: a default run's frames and their size."""

import math
import re
from pathlib import Path

from explorer.data.choice import DataChoice
from explorer.data.synthetic import synthetic_ratings
from explorer.train.config import TrainConfig
from explorer.train.loop import frames
from explorer.train.loop.trainer import Trainer

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()


def _said(pattern: str) -> re.Match:
    found = re.search(pattern, " ".join(README.split()))
    assert found, f"the README no longer says {pattern!r}"
    return found


def test_the_replays_frames_and_size_are_what_the_readme_says():
    d = DataChoice()  # the page's default data and settings
    ratings = synthetic_ratings(d.n_ratings, n_genres=d.genres, seed=d.data_seed)
    trainer = Trainer(ratings, TrainConfig(device="cpu"))
    trainer.frames = frames.keeper_for(ratings, trainer.model, trainer.total_steps)
    list(trainer.run())
    replay = trainer.frames.replay()
    said = _said(
        r"every ⌈steps / (\d+)⌉ steps and the last, so at most (\d+) frames .*? a default run "
        r"keeps (\d+) frames, about ([\d.]+) MB on the server"
    )
    every, most, default, mb = int(said[1]), int(said[2]), int(said[3]), float(said[4])
    assert every == frames.MAX_FRAMES and most == frames.MAX_FRAMES + 1
    assert trainer.frames.every == math.ceil(trainer.total_steps / every)
    assert len(replay) == default <= most
    assert round((replay.items.nbytes + replay.users.nbytes) / 1e6, 1) == mb
    assert f"a {frames.FRAME_BYTES // 2**20} MiB budget in the worker" in " ".join(README.split())
