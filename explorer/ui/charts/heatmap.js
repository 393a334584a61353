// A heatmap on a <canvas> (the Lookup page's tables: explorer/view/heatmaps.py makes the
// specs): cells coloured on the spec's scale, row 0 on top, the numbers in the cells of a
// small table, outlined rows, ticks, a colour bar, and each cell's value on hover.
// Spec: {kind: "heatmap", title, x_title, y_title, height, z: [[v | null]], special:
//   [[row, col, "nan" | "inf" | "-inf"]], zmin, zmax, scale: [[t, "rgb(r,g,b)"]], numbers,
//   highlight_rows, highlight, x_ticks, y_ticks, summary}.

import { label, yTitle } from "./layout.js";

const BAR = 12; // the colour bar's width, px
const LEVELS = 256; // colours precomputed along the scale

function rgb(text) {
  return text.match(/[\d.]+/g).slice(0, 3).map(Number);
}

// The colour at t (0..1, clamped) along stops [[t, "rgb(r,g,b)"], ...], as [r, g, b].
export function colorAt(stops, t) {
  const u = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0.5));
  for (let k = 1; k < stops.length; k++) {
    const [t1, c1] = stops[k];
    if (u <= t1 || k === stops.length - 1) {
      const [t0, c0] = stops[k - 1];
      const f = t1 > t0 ? (u - t0) / (t1 - t0) : 0;
      const a = rgb(c0);
      const b = rgb(c1);
      return a.map((v, i) => Math.round(v + (b[i] - v) * f));
    }
  }
  return rgb(stops[0][1]);
}

// What a cell holds, as a number to colour with and a text to show: a cell that is not
// finite is coloured at the scale's end (inf) or at zero (NaN) and says what it is.
export function cell(spec, r, c) {
  spec.specialAt ??= new Map(spec.special.map(([i, j, name]) => [`${i},${j}`, name]));
  const name = spec.specialAt.get(`${r},${c}`);
  if (name !== undefined) {
    const v = name === "nan" ? 0 : name.startsWith("-") ? -spec.zmax : spec.zmax;
    return { v, text: name, hover: name };
  }
  const v = spec.z[r][c];
  return { v, text: v.toFixed(2), hover: String(Number(v.toPrecision(4))) };
}

// The cell under (x, y) in a plot box {x0, x1, y0, y1} of rows x cols cells, or null.
export function cellAt(box, rows, cols, x, y) {
  if (x < box.x0 || x >= box.x1 || y < box.y0 || y >= box.y1) return null;
  const c = Math.floor(((x - box.x0) / (box.x1 - box.x0)) * cols);
  const r = Math.floor(((y - box.y0) / (box.y1 - box.y0)) * rows);
  return [Math.min(r, rows - 1), Math.min(c, cols - 1)];
}

// Dark text on a light cell, white on a dark one.
export function inkOn([r, g, b]) {
  return 0.299 * r + 0.587 * g + 0.114 * b > 140 ? "#31333f" : "#ffffff";
}

// Draw the heatmap spec `state.spec` with context g, `width` x spec.height CSS px; sets
// state.hitTest(x, y) -> [x, y, text] for the hover tip.
export function drawHeatmap(state, g, width) {
  const spec = state.spec;
  const S = spec.style;
  const rows = spec.z.length;
  const cols = rows ? spec.z[0].length : 0;
  const ends = spec.zmin < 0 ? [spec.zmax, 0, spec.zmin] : [spec.zmax, spec.zmin];
  g.font = S.font;
  const barLabels = Math.max(...ends.map((v) => g.measureText(label(v)).width));
  const box = {
    x0: S.pad.left,
    x1: width - (S.pad.right + BAR + 8 + barLabels),
    y0: S.pad.top,
    y1: spec.height - S.pad.bottom,
  };
  const palette = [];
  for (let k = 0; k < LEVELS; k++) palette.push(colorAt(spec.scale, k / (LEVELS - 1)));
  const span = spec.zmax - spec.zmin || 1;
  const colour = (v) => palette[Math.round(((v - spec.zmin) / span) * (LEVELS - 1))] ??
    palette[v < spec.zmin ? 0 : LEVELS - 1];
  const xs = (c) => Math.round(box.x0 + ((box.x1 - box.x0) * c) / cols);
  const ys = (r) => Math.round(box.y0 + ((box.y1 - box.y0) * r) / rows);

  g.fillStyle = S.text; // the title
  g.font = S.title_font;
  g.textAlign = "left";
  g.textBaseline = "alphabetic";
  g.fillText(spec.title, 4, S.pad.top - 16);
  g.font = S.font;
  const cw = (box.x1 - box.x0) / Math.max(cols, 1);
  const ch = (box.y1 - box.y0) / Math.max(rows, 1);
  const numbers = spec.numbers && cw >= g.measureText("-0.00").width + 4 && ch >= S.font_px + 2;
  g.textAlign = "center";
  g.textBaseline = "middle";
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const { v, text } = cell(spec, r, c);
      const rgbv = colour(v);
      g.fillStyle = `rgb(${rgbv[0]},${rgbv[1]},${rgbv[2]})`;
      g.fillRect(xs(c), ys(r), xs(c + 1) - xs(c), ys(r + 1) - ys(r));
      if (numbers) {
        g.fillStyle = inkOn(rgbv);
        g.fillText(text, (xs(c) + xs(c + 1)) / 2, (ys(r) + ys(r + 1)) / 2);
      }
    }
  }
  g.strokeStyle = spec.highlight; // the looked-up rows
  g.lineWidth = 3;
  for (const r of spec.highlight_rows) g.strokeRect(box.x0, ys(r), box.x1 - box.x0, ys(r + 1) - ys(r));

  g.fillStyle = S.muted; // ticks: row numbers down the left, column numbers along the bottom
  g.textAlign = "right";
  for (const r of spec.y_ticks) g.fillText(String(r), box.x0 - 6, (ys(r) + ys(r + 1)) / 2);
  g.textAlign = "center";
  g.textBaseline = "top";
  for (const c of spec.x_ticks) g.fillText(String(c), (xs(c) + xs(c + 1)) / 2, box.y1 + 5);
  g.fillStyle = S.text;
  g.fillText(spec.x_title || "", (box.x0 + box.x1) / 2, box.y1 + 5 + S.font_px + 6);
  yTitle(g, spec.y_title, 13, (box.y0 + box.y1) / 2);

  const bx = box.x1 + 10; // the colour bar, zmax on top
  for (let y = box.y0; y < box.y1; y++) {
    const t = 1 - (y - box.y0) / (box.y1 - box.y0);
    const c = palette[Math.round(t * (LEVELS - 1))];
    g.fillStyle = `rgb(${c[0]},${c[1]},${c[2]})`;
    g.fillRect(bx, y, BAR, 1);
  }
  g.fillStyle = S.muted;
  g.textAlign = "left";
  g.textBaseline = "middle";
  for (const v of ends) {
    g.fillText(label(v), bx + BAR + 4, box.y1 - ((v - spec.zmin) / span) * (box.y1 - box.y0));
  }

  state.hitTest = (x, y) => {
    const at = cellAt(box, rows, cols, x, y);
    if (!at) return null;
    const [r, c] = at;
    return [x, y, `${spec.y_title} ${r}, ${spec.x_title} ${c}: ${cell(spec, r, c).hover}`];
  };
}
