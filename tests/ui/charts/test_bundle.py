"""The charts' ES modules: bundled for the browser, and the replay's decoding (in Node) against
the server's packing and the live view's factor spec (in Python)."""

from __future__ import annotations

import subprocess

import pytest
import torch

from explorer.train.loop.frames import Replay
from explorer.ui.charts.bundle import bundle
from explorer.view import live_charts
from explorer.view.replay import payload
from tests.ui.charts.node import NODE, run_js

needs_node = pytest.mark.skipif(NODE is None, reason="Node.js is not installed")


@pytest.mark.parametrize("entry", ["live_chart.js", "replay.js"])
def test_each_entry_is_one_module_with_one_default_export(entry):
    text = bundle(entry)
    assert text.count("export default") == 1
    assert "\nimport " not in text and "\nexport function" not in text
    names = [line.split()[-1] for line in text.splitlines() if line.startswith("// ---- ")]
    assert names[-1] == entry and len(names) == len(set(names))
    assert names.index("layout.js") < names.index("draw.js")


@needs_node
@pytest.mark.parametrize("entry", ["live_chart.js", "replay.js"])
def test_each_bundle_parses_as_a_module(tmp_path, entry):
    path = tmp_path / f"{entry}.mjs"
    path.write_text(bundle(entry))
    subprocess.run([NODE, "--check", str(path)], check=True, capture_output=True, timeout=60)


def test_modules_that_import_each_other_are_refused(tmp_path):
    (tmp_path / "a.js").write_text('import { b } from "./b.js";\nexport default function () {}\n')
    (tmp_path / "b.js").write_text('import { a } from "./a.js";\nexport const b = 1;\n')
    with pytest.raises(ValueError, match="a.js -> b.js -> a.js"):
        bundle("a.js", tmp_path)


@needs_node
def test_the_player_decodes_the_servers_frames_and_draws_the_live_views_spec(tmp_path):
    g = torch.Generator().manual_seed(0)
    items = torch.randn(3, 7, 2, generator=g) * torch.tensor([1.0, 0.2])
    replay = Replay(
        steps=[0, 5, 10],
        epochs=[0, 1, 2],
        item_idx=list(range(7)),
        user_idx=[0],
        items=items,
        users=torch.zeros(3, 1, 2),
        item_mean=torch.zeros(2),
        item_basis=torch.eye(2),
        planted=None,
    )
    labels = ["Drama", "Comedy", "Drama", "Other", "Comedy", "Drama", "Other"]
    names = [f"film {k}" for k in range(7)]
    loss = live_charts.loss_spec([0, 10], [1.0, 0.5], 400, [1.0, 0.5])
    data = payload(replay, "items", labels, names, {"loss": loss, "rmse": None})
    out = run_js(
        tmp_path,
        "frames.js",
        "decode, frameSpec",
        data,
        "const frames = decode(data);\n"
        "const [xs, ys] = frames[data.n - 1];\n"
        "const spec = frameSpec(data.factor, data.members, xs, ys, 't', 's', null);\n"
        "console.log(JSON.stringify({ frames: frames.map(([x, y]) => [Array.from(x),"
        " Array.from(y)]), spec }));\n",
    )
    decoded = torch.tensor(out["frames"], dtype=torch.float64).transpose(1, 2)  # (n, points, 2)
    step = (items.amax((0, 1)) - items.amin((0, 1))).double() / 65535
    torch.testing.assert_close(decoded, items.double(), atol=float(step.max()), rtol=0)
    oracle = live_charts.factor_spec(items[-1], labels, names, "Item factors")
    assert [s["name"] for s in out["spec"]["series"]] == [s["name"] for s in oracle["series"]]
    assert out["spec"]["height"] == oracle["height"] and out["spec"]["kind"] == "points"
    for got, want in zip(out["spec"]["series"], oracle["series"], strict=True):
        assert got["text"] == want["text"] and got["color"] == want["color"]
        torch.testing.assert_close(
            torch.tensor([got["x"], got["y"]]),
            torch.tensor([want["x"], want["y"]]),
            atol=float(step.max()),
            rtol=0,
        )
