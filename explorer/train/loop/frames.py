"""The run as a movie: factor frames kept within a budget, projected on one basis at the end.

While training, a `FrameKeeper` copies the rows the factor plot draws (the most rated items,
the first users) every `every` steps, so a run of any length keeps at most `MAX_FRAMES`
frames, and never more than `FRAME_BYTES` of them. At a stop or the end, `replay()` projects
every frame on the last frame's two principal axes: one basis for the whole run, so the cloud
never turns or flips while it plays; it grows out of the random start into what the model
learned. The trainer records; it never draws.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import torch

from explorer.pca import pca_basis

MAX_FRAMES = 200  # a 10 s replay at 20 frames a second
FRAME_BYTES = 48 * 2**20  # the raw rows kept in the worker, all frames together
FRAME_POINTS = 400  # items (and users) per frame: the live plot's points


@dataclass(frozen=True)
class Replay:
    """A run's frames, every one on the final frame's basis."""

    steps: list[int]  # the global step of each frame
    epochs: list[int]  # epochs completed at each frame
    item_idx: list[int]  # the items drawn, in the frames' row order
    user_idx: list[int]
    items: torch.Tensor  # (frames, len(item_idx), 2)
    users: torch.Tensor  # (frames, len(user_idx), 2)
    item_mean: torch.Tensor  # (k,) the basis' centre and axes (2, k), to draw more items on it
    item_basis: torch.Tensor
    planted: list[float] | None  # held-out R^2 of the planted item factors at each frame

    def __len__(self) -> int:
        return len(self.steps)


SCORED_FRAMES = 40  # frames scored for recovery; the others read it off the line between them


def _scored(steps: list[int], rows: list[torch.Tensor], planted: torch.Tensor, score) -> list:
    """The recovery score of every frame: SCORED_FRAMES of them fitted (a fit costs about a
    millisecond, and the end of a run waits for these), the rest interpolated by step."""
    picks = torch.linspace(0, len(rows) - 1, min(SCORED_FRAMES, len(rows))).round().long()
    picks = picks.unique()
    values = torch.tensor(score(torch.stack([rows[k] for k in picks.tolist()]), planted))
    at = torch.tensor(steps, dtype=torch.float64)
    xs, ys = at[picks], values.double()
    pos = torch.searchsorted(xs, at).clamp(1, len(xs) - 1) if len(xs) > 1 else None
    if pos is None:
        return [float(values[0])] * len(steps)
    x0, x1, y0, y1 = xs[pos - 1], xs[pos], ys[pos - 1], ys[pos]
    return (y0 + (y1 - y0) * (at - x0) / (x1 - x0)).tolist()


def keeper_for(ratings, model, total_steps: int) -> FrameKeeper:
    """The keeper of a run on these ratings: the most rated items and the first users, as the
    factor plot draws them; every item where the set has planted factors to score."""
    items = torch.tensor(sorted(ratings.items_by_popularity[:FRAME_POINTS]))
    users = torch.arange(min(FRAME_POINTS, ratings.n_users))
    width = max(model.item_factors.weight.shape[1], model.user_factors.weight.shape[1])
    planted = ratings.planted is not None
    return FrameKeeper(items, users, ratings.n_items, width, total_steps, all_items=planted)


_TENSORS = ("items", "users", "item_mean", "item_basis")


def convert(replay: Replay, fn) -> Replay:
    """A Replay with its tensors passed through fn (to numpy to cross a pipe, and back)."""
    return replace(replay, **{k: fn(getattr(replay, k)) for k in _TENSORS})


class FrameKeeper:
    """Copies of the drawn rows every `every` steps; `replay()` turns them into a Replay.

    all_items: keep every item's row (a synthetic set's recovery score needs them all); else
    only the drawn ones."""

    def __init__(
        self,
        item_idx: torch.Tensor,
        user_idx: torch.Tensor,
        n_items: int,
        n_factors: int,
        total_steps: int,
        all_items: bool = False,
    ):
        self.item_idx, self.user_idx = item_idx, user_idx
        self.all_items = all_items
        rows = (n_items if all_items else len(item_idx)) + len(user_idx)
        fit = max(2, FRAME_BYTES // max(1, rows * n_factors * 4))
        self.every = max(1, math.ceil(total_steps / min(MAX_FRAMES, fit)))
        self.steps: list[int] = []
        self.epochs: list[int] = []
        self.item_rows: list[torch.Tensor] = []
        self.user_rows: list[torch.Tensor] = []

    def due(self, step: int) -> bool:
        return step % self.every == 0 and (not self.steps or self.steps[-1] != step)

    def add(self, step: int, epoch: int, item_w: torch.Tensor, user_w: torch.Tensor) -> None:
        """One frame from the factor tables (any device; copied to the CPU as float32)."""
        if self.steps and self.steps[-1] >= step:  # the same step again (a stop, then the end)
            return
        with torch.no_grad():  # finiteness is checked in replay(): isfinite costs more here
            dev = item_w.device
            items = item_w if self.all_items else item_w.index_select(0, self.item_idx.to(dev))
            users = user_w.index_select(0, self.user_idx.to(dev))
            items = items.detach().float().cpu().clone()  # a copy, even of a CPU float table
            users = users.detach().float().cpu()
        self.steps.append(step)
        self.epochs.append(epoch)
        self.item_rows.append(items)
        self.user_rows.append(users)

    def state_dict(self) -> dict:
        return {k: list(getattr(self, k)) for k in ("steps", "epochs", "item_rows", "user_rows")}

    def load_state_dict(self, state: dict) -> None:
        for k, v in state.items():
            setattr(self, k, list(v))

    def replay(self, planted: torch.Tensor | None = None, score=None) -> Replay | None:
        """Every frame on the last frame's basis; `score(frames, planted)`, a score for each of
        a stack of frames, where the set has planted item factors (and every item was kept)."""
        if not self.steps:
            return None
        # a frame's sum is finite exactly when its values are (or they are past 1e38): and a sum
        # is many times quicker than isfinite here
        rows = zip(self.item_rows, self.user_rows, strict=True)
        ok = [bool(i.sum().isfinite()) and bool(u.sum().isfinite()) for i, u in rows]
        if not all(ok):  # a diverging step's frame is never shown
            keep = [k for k, good in enumerate(ok) if good]
            self.steps, self.epochs = [self.steps[k] for k in keep], [self.epochs[k] for k in keep]
            self.item_rows = [self.item_rows[k] for k in keep]
            self.user_rows = [self.user_rows[k] for k in keep]
        if not self.steps:
            return None
        # projected a frame at a time, never stacked: the frames are most of a worker's memory,
        # and a stack of them (and a centred copy) doubled it at the end of a run
        last = self.item_rows[-1]
        mean, basis = pca_basis(last[self.item_idx] if self.all_items else last)
        _, u_basis = pca_basis(self.user_rows[-1])
        drawn = (r[self.item_idx] if self.all_items else r for r in self.item_rows)
        scores = None
        if planted is not None and score is not None and self.all_items:
            scores = _scored(self.steps, self.item_rows, planted, score)
        return Replay(
            steps=list(self.steps),
            epochs=list(self.epochs),
            item_idx=self.item_idx.tolist(),
            user_idx=self.user_idx.tolist(),
            items=_on(drawn, basis),
            users=_on(self.user_rows, u_basis),
            item_mean=mean,
            item_basis=basis,
            planted=scores,
        )


def _on(frames, basis: torch.Tensor) -> torch.Tensor:
    """f frames (n, k), each centred on its own mean, on one basis: (f, n, 2), in float32 (in
    float64 this took longer than the rest of the replay). Centred after the projection: a
    centred copy of a frame cost as much memory as the frame."""
    b = basis.float().T
    return torch.stack([f @ b - f.mean(dim=0, keepdim=True) @ b for f in frames])
