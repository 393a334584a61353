"""The replay's message for the browser: what it packs decodes to the frames, within a step."""

import base64

import numpy as np
import torch

from explorer.train.loop.frames import FrameKeeper
from explorer.view.links import from_query
from explorer.view.replay import SIDE_HEIGHT, ReplayChoice, frame_problem, payload


def _replay(n_frames=6, n=30):
    gen = torch.Generator().manual_seed(0)
    keeper = FrameKeeper(torch.arange(n), torch.arange(n), n, 4, total_steps=n_frames - 1)
    for step in range(n_frames):
        rows = torch.randn(n, 4, generator=gen) * (step + 1)
        keeper.add(step, step // 2, rows, rows * 2)
    return keeper.replay()


def _curves():
    spec = {"kind": "lines", "series": []}
    return {"loss": spec, "rmse": spec}


def test_packed_coordinates_decode_to_the_frames():
    replay = _replay()
    names = [f"item {k}" for k in range(30)]
    data = payload(replay, "items", ["a", "b", "c"] * 10, names, _curves())
    q = np.frombuffer(base64.b64decode(data["coords"]), dtype="<u2").reshape(6, 30, 2)
    lo, hi = np.array(data["lo"]), np.array(data["hi"])
    decoded = lo + q / 65535 * (hi - lo)
    step = (hi - lo) / 65535
    assert np.all(np.abs(decoded - replay.items.numpy()) <= step / 2 + 1e-9)
    assert data["n"] == 6 and data["points"] == 30 and data["steps"] == replay.steps
    members = sorted(i for m in data["members"] for i in m)
    assert members == list(range(30))  # every point in exactly one series
    assert len(data["members"]) == len(data["factor"]["series"])
    assert data["loss"]["height"] == data["rmse"]["height"] == SIDE_HEIGHT


def test_users_travel_too_and_a_wrong_label_count_is_refused():
    replay = _replay()
    data = payload(replay, "users", ["user"] * 30, [f"u{k}" for k in range(30)], _curves())
    q = np.frombuffer(base64.b64decode(data["coords"]), dtype="<u2").reshape(6, 30, 2)
    assert q.shape == (6, 30, 2) and data["title"] == "User factors"
    try:
        payload(replay, "users", ["user"] * 29, ["u"] * 29, _curves())
    except ValueError as err:
        assert "one label" in str(err)
    else:
        raise AssertionError("a label short went through")


def test_a_link_frame_is_checked_by_name():
    assert from_query(ReplayChoice, {"frame": "12"}) == (ReplayChoice(frame=12), [])
    for bad in ("-1", "abc", "1.5", "99999"):
        choice, problems = from_query(ReplayChoice, {"frame": bad})
        assert choice.frame is None and len(problems) == 1 and "frame=" in problems[0]
    replay = _replay()
    assert frame_problem(5, replay) is None and frame_problem(None, replay) is None
    assert "frames 0 to 5" in frame_problem(6, replay)


def test_a_subset_of_points_travels_with_its_titles_placed_frame_by_frame():
    from explorer.view.labels import titles_for

    replay = _replay()
    rows = [3, 5, 7, 11, 13]
    names = [f"item {k}" for k in rows]
    data = payload(replay, "items", ["a"] * 5, names, _curves(), rows, titled=[4, 0, 2])
    q = np.frombuffer(base64.b64decode(data["coords"]), dtype="<u2").reshape(6, 5, 2)
    assert q.shape == (6, 5, 2) and data["points"] == 5
    titles = data["titles"]
    assert titles["rows"] == [4, 0, 2] and titles["text"] == ["item 13", "item 3", "item 7"]
    assert len(titles["pos"]) == len(replay)
    for f, pos in enumerate(titles["pos"]):  # the oracle: the same placement, frame by frame
        placed = titles_for(replay.items[f, rows].double().numpy(), names, [4, 0, 2], 12)
        want = [titles["positions"].index(placed[r][1]) if r in placed else -1 for r in [4, 0, 2]]
        assert pos == want
