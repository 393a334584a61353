// The charts' layout helpers (explorer/ui/charts/layout.js): ticks, labels, extents, legend.
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  extent,
  label,
  labelAnchor,
  legendRows,
  nearest,
  niceTicks,
} from "../../explorer/ui/charts/layout.js";

const LEFT = 58;

test("ticks are nice, evenly spaced and inside the range", () => {
  for (const [lo, hi, count] of [
    [0, 1, 5],
    [0.8, 5.3, 5],
    [-3.2, 7.9, 4],
    [1e-4, 3e-3, 5],
    [0, 123456, 6],
  ]) {
    const ticks = niceTicks(lo, hi, count);
    assert.ok(ticks.length >= 2, `${lo}..${hi}: ${ticks}`);
    assert.ok(ticks.length <= 2 * count + 1, `${lo}..${hi}: ${ticks}`);
    const step = ticks[1] - ticks[0];
    const mantissa = step / 10 ** Math.floor(Math.log10(step));
    assert.ok([1, 2, 2.5, 5].some((m) => Math.abs(mantissa - m) < 1e-9), `step ${step}`);
    for (let k = 0; k < ticks.length; k++) {
      assert.ok(ticks[k] >= lo - step * 1e-9 && ticks[k] <= hi + step * 1e-9);
      if (k) assert.ok(Math.abs(ticks[k] - ticks[k - 1] - step) < step * 1e-9);
    }
  }
});

test("a tick at zero is zero, not a rounding error beside it", () => {
  const ticks = niceTicks(-0.35, 0.25, 6);
  assert.ok(ticks.includes(0), `${ticks}`);
  assert.ok(ticks.every((t) => t === 0 || Math.abs(t) >= 0.05), `${ticks}`);
});

test("an empty or reversed range has one tick", () => {
  assert.deepEqual(niceTicks(2, 2, 5), [2]);
  assert.deepEqual(niceTicks(3, 1, 5), [3]);
});

test("labels: four significant digits, thousands with separators", () => {
  assert.equal(label(0.123456), "0.1235");
  assert.equal(label(2.5), "2.5");
  assert.equal(label(12345.6), "12,346");
  assert.equal(label(-1500), "-1,500");
});

test("an extent pads the finite values, and a fixed one is kept", () => {
  assert.deepEqual(extent([1, 3, NaN, Infinity], null, 0.5), [0, 4]);
  assert.deepEqual(extent([2, 2], null, 0.1), [1.5, 2.5]);
  assert.deepEqual(extent([NaN], null, 0.1), [0, 1]);
  assert.deepEqual(extent([1, 9], [0, 5.5], 0.1), [0, 5.5]);
});

test("the legend wraps to a new row when a name would pass the width", () => {
  const g = { measureText: (s) => ({ width: 10 * s.length }) }; // 10 px a letter
  const series = ["aaaa", "bbbb", "cccc"].map((name) => ({ name }));
  const wide = legendRows(g, series, 1000, LEFT);
  assert.equal(wide.length, 1);
  assert.deepEqual(
    wide[0].map((e) => e.x),
    [LEFT, LEFT + 78, LEFT + 156],
  );
  const narrow = legendRows(g, series, LEFT + 160, LEFT);
  assert.deepEqual(
    narrow.map((row) => row.map((e) => e.s.name)),
    [["aaaa", "bbbb"], ["cccc"]],
  );
});

test("a title sits beside its point on the side the server chose", () => {
  assert.deepEqual(labelAnchor(100, 50, "top center"), { x: 100, y: 44, align: "center", baseline: "bottom" });
  assert.deepEqual(labelAnchor(100, 50, "bottom center", 4), { x: 100, y: 54, align: "center", baseline: "top" });
  assert.equal(labelAnchor(100, 50, "middle right").align, "left");
  assert.deepEqual(labelAnchor(100, 50, "middle left"), { x: 94, y: 50, align: "right", baseline: "middle" });
});

test("the hover picks the nearest point within reach, or a heatmap's cell", () => {
  const hits = [
    [10, 10, "a"],
    [30, 10, "b"],
  ];
  assert.equal(nearest({ mouse: [12, 11], hits })[2], "a");
  assert.equal(nearest({ mouse: [27, 10], hits })[2], "b");
  assert.equal(nearest({ mouse: [20, 40], hits }), null); // out of reach of both
  const hitTest = (x, y) => [x, y, `cell at ${x},${y}`];
  assert.equal(nearest({ mouse: [5, 6], hits, hitTest })[2], "cell at 5,6");
});
