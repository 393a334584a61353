"""Replay frames: kept within budget, on one basis, scored honestly; plain torch the oracle."""

import math

import pytest
import torch

from explorer.data.synthetic import synthetic_ratings
from explorer.pca import pca_basis, project
from explorer.train.config import TrainConfig
from explorer.train.loop import frames
from explorer.train.loop.frames import FrameKeeper
from explorer.train.loop.trainer import Trainer
from explorer.train.model.recovery import planted_match, planted_matches


def _flipping_run(n_frames: int = 40, n: int = 300) -> list[torch.Tensor]:
    """Frames of (n, 3) factors whose two strongest axes trade places halfway: raw PCA of
    each frame swaps PC 1 and PC 2 there (and may flip their signs)."""
    gen = torch.Generator().manual_seed(0)
    base = torch.randn(n, 3, generator=gen)
    out = []
    for k in range(n_frames):
        t = k / (n_frames - 1)
        scale = torch.tensor([2.0 - t, 1.0 + t, 0.2])  # axis 0 shrinks as axis 1 grows
        out.append(base * scale)
    return out


def test_raw_pca_turns_mid_run_but_replay_frames_hold_still():
    rows = _flipping_run()
    raw = [project(r, *pca_basis(r)) for r in rows]
    jumps = [float((raw[k + 1] - raw[k]).norm() / raw[k].norm()) for k in range(len(raw) - 1)]
    assert max(jumps) > 0.5  # the raw picture turns: the test's premise

    keeper = FrameKeeper(torch.arange(300), torch.arange(300), 300, 3, total_steps=39)
    for step, r in enumerate(rows):
        keeper.add(step, 0, r, r)
    replay = keeper.replay()
    steps = [
        float((replay.items[k + 1] - replay.items[k]).norm() / replay.items[k].norm())
        for k in range(len(replay) - 1)
    ]
    assert max(steps) < 0.1  # consecutive frames agree: only the points move, a little
    # the last frame is the final factors on their own PCA axes, with plain torch as oracle
    final = rows[-1].double() - rows[-1].double().mean(0)
    _, _, vh = torch.linalg.svd(final, full_matrices=False)
    for axis in range(2):
        expect = final @ vh[axis]
        got = replay.items[-1][:, axis].double()
        sign = 1.0 if torch.dot(expect, got) > 0 else -1.0
        torch.testing.assert_close(got, sign * expect, atol=1e-4, rtol=1e-4)


def test_keeper_keeps_at_most_max_frames_and_its_byte_budget():
    keeper = FrameKeeper(torch.arange(10), torch.arange(10), 10, 4, total_steps=10_000)
    assert math.ceil(10_000 / keeper.every) <= frames.MAX_FRAMES
    wide = FrameKeeper(torch.arange(400), torch.arange(400), 100_000, 64, 10_000, all_items=True)
    per_frame = (100_000 + 400) * 64 * 4
    assert math.ceil(10_000 / wide.every) * per_frame <= frames.FRAME_BYTES + per_frame


def test_a_non_finite_frame_is_never_replayed():
    keeper = FrameKeeper(torch.arange(5), torch.arange(5), 5, 2, total_steps=3)
    good = torch.randn(5, 2)
    keeper.add(0, 0, good, good)
    keeper.add(1, 0, good.clone().fill_(float("nan")), good)
    keeper.add(2, 0, good * 2, good)
    replay = keeper.replay()
    assert replay.steps == [0, 2]
    assert torch.isfinite(replay.items).all()


def test_a_training_run_keeps_its_frames_and_scores_them_held_out():
    ratings = synthetic_ratings(20_000, seed=1)
    trainer = Trainer(ratings, TrainConfig(device="cpu"))  # the page's defaults
    trainer.frames = frames.keeper_for(ratings, trainer.model, trainer.total_steps)
    list(trainer.run())
    planted = ratings.planted.item_factors
    replay = trainer.frames.replay(planted, planted_matches)
    assert replay.steps[0] == 0 and replay.steps[-1] == trainer.total_steps
    assert replay.steps == sorted(set(replay.steps))
    assert len(replay) <= frames.MAX_FRAMES + 2
    # the last frame's score is the held-out score of the trained model's item factors
    final = trainer.model.item_factors.weight.detach()
    assert replay.planted[-1] == pytest.approx(planted_match(final, planted), abs=1e-6)
    assert replay.planted[0] < 0.2 < 0.5 < replay.planted[-1]  # it learned the genres
    # the drawn items are the most rated, and the frame is those rows on the final basis
    idx = torch.tensor(replay.item_idx)
    assert set(idx.tolist()) == set(ratings.items_by_popularity[: len(idx)])
    rows = final[idx]
    expect = project(rows, rows.double().mean(0), replay.item_basis)
    torch.testing.assert_close(replay.items[-1], expect, atol=1e-5, rtol=1e-5)


def test_batched_recovery_scores_equal_one_at_a_time():
    gen = torch.Generator().manual_seed(3)
    planted = torch.randn(60, 4, generator=gen)
    stack = torch.randn(5, 60, 8, generator=gen)
    stack[2] = planted @ torch.randn(4, 8, generator=gen)
    one_by_one = [planted_match(stack[k], planted) for k in range(5)]
    assert planted_matches(stack, planted) == pytest.approx(one_by_one, abs=1e-9)
    assert one_by_one[2] > 0.999
