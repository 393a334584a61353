"""The replay: a run's frames and curves as one message for the browser's player (replay.js).

The browser plays the frames itself, so Play runs at the browser's frame rate, not at the
server's rerun rate: the server sends the run once, and only hears back the frame a user
stopped on (for the link). Coordinates travel as 16-bit integers on the frames' common range,
base64-encoded: a 200-frame, 400-point run is about 400 kB, a fraction of it as JSON numbers.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

import numpy as np
import torch

from explorer.settings import setting
from explorer.train.loop.frames import MAX_FRAMES, Replay
from explorer.view import live_charts, theme
from explorer.view.labels import POSITIONS, short_title, titles_for

PLAY_SECONDS = 10.0  # Play shows the whole run in this long at 1x
SPEEDS = (0.5, 1.0, 2.0, 4.0)
SIDE_HEIGHT = 220  # the curves beside the factor plot, each


@dataclass(frozen=True)
class ReplayChoice:
    """The replay's place, as a link holds it."""

    frame: int | None = setting(
        None,
        "Frame",
        "The replay's frame (0 is the start); empty: the last frame.",
        low=0,
        high=4 * MAX_FRAMES,  # frames of a run stopped and resumed many times
        step=1,
    )


def frame_problem(frame: int | None, replay: Replay) -> str | None:
    """Why a frame from a link is not one of this run's, or None."""
    if frame is not None and frame >= len(replay):
        return (
            f"frame={frame} in the link: this run has frames 0 to {len(replay) - 1}; "
            "the replay starts at the last frame"
        )
    return None


def _packed(coords: torch.Tensor) -> tuple[str, list[float], list[float]]:
    """(frames, n, 2) floats as base64 uint16 on their range: (text, [x lo, y lo], [x hi, y hi])."""
    xy = coords.detach().cpu().double().numpy()
    lo, hi = xy.min(axis=(0, 1)), xy.max(axis=(0, 1))
    span = np.where(hi > lo, hi - lo, 1.0)
    q = np.round((xy - lo) / span * 65535).astype("<u2")
    return base64.b64encode(q.tobytes()).decode("ascii"), lo.tolist(), (lo + span).tolist()


def payload(
    replay: Replay,
    which: str,
    labels: list[str],
    names: list[str],
    curves: dict,
    rows: list[int] | None = None,
    titled: list[int] = (),
    font_px: float = 12,
) -> dict:
    """What the player draws: the frames of `which` ("items" or "users"), one label and name
    a point, and the curves the cursor moves on (live_charts specs: loss, rmse).
    rows: the points drawn (all by default; labels and names are of these); titled: those
    of them (indices into rows, most important first) whose titles are written beside them,
    placed without overlap frame by frame (labels.py), as the live plot does."""
    coords = replay.items if which == "items" else replay.users
    if rows is not None:
        coords = coords[:, rows]
    if coords.shape[1] != len(labels) or len(names) != len(labels):
        raise ValueError("the replay needs one label and one name per point")
    packed, lo, hi = _packed(coords)
    pad = [(h - low) * 0.05 for low, h in zip(lo, hi, strict=True)]
    title = "Item factors" if which == "items" else "User factors"
    # the live view's factor spec, at the last frame: the player fills in each frame's points
    factor = live_charts.factor_spec(coords[-1], labels, names, title)
    members = [m.tolist() for _, _, m in theme.label_groups(labels)]  # series k's points
    titled = list(titled)
    frames_pos = []  # per frame, per titled point: an index into POSITIONS, or -1: no room
    for f in range(len(replay)):
        placed = titles_for(coords[f].double().numpy(), names, titled, font_px)
        frames_pos.append([POSITIONS.index(placed[r][1]) if r in placed else -1 for r in titled])
    side = {k: {**v, "height": SIDE_HEIGHT} if v else v for k, v in curves.items()}
    planted = None
    if replay.planted is not None:
        points = list(zip(replay.steps, replay.planted, strict=True))
        planted = live_charts.planted_spec(points)
        planted["title"] = "Planted genres recovered (held-out R²)"
        planted["series"][0]["markers"] = False  # a frame every few steps: a line
    return {
        "n": len(replay),
        "points": coords.shape[1],
        "steps": replay.steps,
        "epochs": replay.epochs,
        "coords": packed,
        "lo": lo,
        "hi": hi,
        "x_range": [lo[0] - pad[0], hi[0] + pad[0]],
        "y_range": [lo[1] - pad[1], hi[1] + pad[1]],
        "factor": factor,
        "members": members,
        "titles": {
            "rows": titled,
            "text": [short_title(names[r]) for r in titled],
            "pos": frames_pos,
            "positions": list(POSITIONS),
        },
        "title": title,
        "scores": replay.planted,
        "loss": side["loss"],
        "rmse": side["rmse"],
        "planted": {**planted, "height": SIDE_HEIGHT} if planted else None,
        "seconds": PLAY_SECONDS,
        "speeds": list(SPEEDS),
    }
