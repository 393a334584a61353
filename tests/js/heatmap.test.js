// The heatmap's pure functions (explorer/ui/charts/heatmap.js): colours, cells, hit tests.
import assert from "node:assert/strict";
import { test } from "node:test";

import { cell, cellAt, colorAt, inkOn } from "../../explorer/ui/charts/heatmap.js";

const STOPS = [
  [0, "rgb(0,0,255)"],
  [0.5, "rgb(255,255,255)"],
  [1, "rgb(255,0,0)"],
];

test("colours run along the stops, clamped at the ends", () => {
  assert.deepEqual(colorAt(STOPS, 0), [0, 0, 255]);
  assert.deepEqual(colorAt(STOPS, 0.5), [255, 255, 255]);
  assert.deepEqual(colorAt(STOPS, 1), [255, 0, 0]);
  assert.deepEqual(colorAt(STOPS, 0.25), [128, 128, 255]);
  assert.deepEqual(colorAt(STOPS, 0.75), [255, 128, 128]);
  assert.deepEqual(colorAt(STOPS, -3), [0, 0, 255]);
  assert.deepEqual(colorAt(STOPS, 7), [255, 0, 0]);
  assert.deepEqual(colorAt(STOPS, Number.NaN), [255, 255, 255]); // no value: the middle
});

test("a cell that is not finite says what it is and takes the scale's end or zero", () => {
  const spec = {
    z: [
      [0.5, null],
      [null, -1.25],
    ],
    special: [
      [0, 1, "inf"],
      [1, 0, "nan"],
    ],
    zmax: 2,
  };
  assert.deepEqual(cell(spec, 0, 0), { v: 0.5, text: "0.50", hover: "0.5" });
  assert.deepEqual(cell(spec, 0, 1), { v: 2, text: "inf", hover: "inf" });
  assert.deepEqual(cell(spec, 1, 0), { v: 0, text: "nan", hover: "nan" });
  assert.equal(cell(spec, 1, 1).text, "-1.25");
});

test("the cell under the mouse, and none outside the cells", () => {
  const box = { x0: 50, x1: 250, y0: 30, y1: 130 }; // 4 columns of 50 px, 2 rows of 50 px
  assert.deepEqual(cellAt(box, 2, 4, 50, 30), [0, 0]);
  assert.deepEqual(cellAt(box, 2, 4, 249.9, 129.9), [1, 3]);
  assert.deepEqual(cellAt(box, 2, 4, 120, 85), [1, 1]);
  assert.equal(cellAt(box, 2, 4, 49, 60), null);
  assert.equal(cellAt(box, 2, 4, 100, 130), null);
});

test("numbers are dark on light cells and white on dark ones", () => {
  assert.equal(inkOn([255, 255, 255]), "#31333f");
  assert.equal(inkOn([5, 48, 97]), "#ffffff");
});
