// The charts' layout helpers: ticks, extents, legend rows (their look comes with each spec,
// `spec.style`, from explorer/view/theme.py). Pure functions,
// unit-tested with Node (tests/js/); bundled for the browser by bundle.py.

export const HOVER_PX = 9; // how near the mouse a point must be to show its title

export function niceTicks(lo, hi, count) {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw);
  const ticks = [];
  const first = Math.ceil(lo / step);
  for (let k = first; k * step <= hi + step * 1e-9; k++) {
    ticks.push(Number((k * step).toPrecision(12))); // k * step: no sum drifting off zero
  }
  return ticks;
}

export function label(t) {
  if (Math.abs(t) >= 1000) return Math.round(t).toLocaleString("en-US");
  return String(Number(t.toPrecision(4)));
}

export function extent(values, fixed, pad) {
  if (fixed) return fixed;
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (Number.isFinite(v)) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (lo === Infinity) return [0, 1];
  if (hi === lo) return [lo - 0.5, hi + 0.5];
  const margin = (hi - lo) * pad;
  return [lo - margin, hi + margin];
}

export function legendRows(g, series, width, left) {
  // lay the legend out left to right, wrapping: [[{s, x}], ...]
  const rows = [[]];
  let x = left;
  for (const s of series) {
    const w = 22 + g.measureText(s.name).width + 16;
    if (x + w > width && rows[rows.length - 1].length) {
      rows.push([]);
      x = left;
    }
    rows[rows.length - 1].push({ s, x });
    x += w;
  }
  return rows;
}

// Where a title beside a point is drawn, for one of plotly's four positions (the server
// places them without overlap: explorer/view/labels.py); gap: pixels from the point.
export function labelAnchor(x, y, position, gap = 6) {
  if (position === "top center") return { x, y: y - gap, align: "center", baseline: "bottom" };
  if (position === "bottom center") return { x, y: y + gap, align: "center", baseline: "top" };
  if (position === "middle right") return { x: x + gap, y, align: "left", baseline: "middle" };
  return { x: x - gap, y, align: "right", baseline: "middle" };
}

// The hit under the mouse: a heatmap's cell (state.hitTest), or the point within HOVER_PX.
export function nearest(state) {
  const [mx, my] = state.mouse;
  if (state.hitTest) return state.hitTest(mx, my); // a heatmap: the cell under the mouse
  let best = null;
  let bestD = HOVER_PX * HOVER_PX;
  for (const h of state.hits) {
    const d = (h[0] - mx) ** 2 + (h[1] - my) ** 2;
    if (d <= bestD) {
      best = h;
      bestD = d;
    }
  }
  return best;
}

// An axis title up the left edge, rotated, centred on (x, y).
export function yTitle(g, text, x, y) {
  g.save();
  g.translate(x, y);
  g.rotate(-Math.PI / 2);
  g.textBaseline = "middle";
  g.fillText(text || "", 0, 0);
  g.restore();
}
