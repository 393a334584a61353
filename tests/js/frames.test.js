// The replay's pure functions (explorer/ui/charts/frames.js): decoding, moving between frames,
// and the factor plot's spec at a frame.
import assert from "node:assert/strict";
import { test } from "node:test";

import { decode, frameSpec, frameText, lerpFrame } from "../../explorer/ui/charts/frames.js";

// A payload as explorer/view/replay.py packs it: uint16 per coordinate between lo and hi.
function packed(frames, lo, hi) {
  const points = frames[0][0].length;
  const q = new Uint16Array(frames.length * points * 2);
  frames.forEach(([xs, ys], f) => {
    for (let p = 0; p < points; p++) {
      q[f * points * 2 + 2 * p] = Math.round(((xs[p] - lo[0]) / (hi[0] - lo[0])) * 65535);
      q[f * points * 2 + 2 * p + 1] = Math.round(((ys[p] - lo[1]) / (hi[1] - lo[1])) * 65535);
    }
  });
  const coords = Buffer.from(q.buffer).toString("base64");
  return { coords, lo, hi, n: frames.length, points };
}

test("decode gives back every frame within one quantisation step", () => {
  const frames = [
    [
      [0, 1, -2],
      [3, -1, 0.5],
    ],
    [
      [0.25, 2, -1.5],
      [2.5, -0.5, 1],
    ],
  ];
  const lo = [-2, -1];
  const hi = [2, 3];
  const out = decode(packed(frames, lo, hi));
  assert.equal(out.length, 2);
  frames.forEach(([xs, ys], f) => {
    xs.forEach((x, p) => assert.ok(Math.abs(out[f][0][p] - x) <= 4 / 65535));
    ys.forEach((y, p) => assert.ok(Math.abs(out[f][1][p] - y) <= 4 / 65535));
  });
});

test("between two frames the points and the step move linearly; at the last they stay", () => {
  const frames = [
    [[0, 10], [0, -10]],
    [[1, 20], [2, -30]],
  ];
  const [xs, ys, step] = lerpFrame(frames, [100, 200], 0, 0.25);
  assert.deepEqual(Array.from(xs), [0.25, 12.5]);
  assert.deepEqual(Array.from(ys), [0.5, -15]);
  assert.equal(step, 125);
  const [lx, , lastStep] = lerpFrame(frames, [100, 200], 1, 0.5);
  assert.deepEqual(Array.from(lx), [1, 20]);
  assert.equal(lastStep, 200);
});

test("a frame's spec is the server's spec with the frame's points in each series", () => {
  const base = {
    kind: "points",
    title: "Item factors",
    height: 480,
    x_title: "PC 1",
    series: [
      { name: "Drama", color: "#0072B2", x: [9], y: [9], text: ["b"] },
      { name: "other", color: "#999", x: [9, 9], y: [9, 9], text: ["a", "c"] },
    ],
  };
  const members = [[1], [0, 2]];
  const spec = frameSpec(base, members, [10, 11, 12], [20, 21, 22], "t", "s", [[0, 1], [2, 3]]);
  assert.equal(spec.height, 480);
  assert.equal(spec.x_title, "PC 1");
  assert.deepEqual(spec.series[0].x, [11]);
  assert.deepEqual(spec.series[1].y, [20, 22]);
  assert.deepEqual(spec.series[1].text, ["a", "c"]);
  assert.deepEqual([spec.title, spec.summary, spec.x_range, spec.y_range], ["t", "s", [0, 1], [2, 3]]);
  assert.equal(frameSpec(base, members, [0, 0, 0], [0, 0, 0], "t", "s", null).x_range, null);
  assert.deepEqual(base.series[0].x, [9]); // the server's spec is left as it was
});

test("the title names the step, the epoch and, on the planted set, the score", () => {
  const data = { title: "Item factors", steps: [0, 12000], epochs: [0, 3], scores: [0.1, 0.876] };
  assert.equal(frameText(data, 1), "Item factors at step 12,000, epoch 3 · recovered R² 0.88");
  assert.equal(frameText({ ...data, scores: null }, 0), "Item factors at step 0, epoch 0");
});

test("a frame's titles are the server's for that frame, by point, and none where no room", () => {
  const base = {
    kind: "points",
    series: [
      { name: "a", x: [], y: [], titles: ["old"], label_pos: ["top center"] },
      { name: "b", x: [], y: [] },
    ],
  };
  const titles = { rows: [2, 0], text: ["Two", "Zero"], positions: ["top center", "middle left"] };
  const spec = frameSpec(base, [[0, 1], [2]], [0, 1, 2], [0, 1, 2], "t", "s", null, titles, [1, -1]);
  assert.deepEqual(spec.series[0].titles, [null, null]); // row 0: no room in this frame
  assert.deepEqual(spec.series[1].titles, ["Two"]);
  assert.deepEqual(spec.series[1].label_pos, ["middle left"]);
  const plain = frameSpec(base, [[0, 1], [2]], [0, 1, 2], [0, 1, 2], "t", "s", null);
  assert.equal(plain.series[0].titles, undefined);
});
