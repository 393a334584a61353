// The replay's frames: decoded from the server's packed coordinates, moved between, and
// turned into the factor plot's spec. Pure functions (no DOM), unit-tested with Node.

// The frames of a payload (explorer/view/replay.py): [xs, ys] a frame, each (points,).
export function decode(data) {
  const bytes = Uint8Array.from(atob(data.coords), (c) => c.charCodeAt(0));
  const q = new Uint16Array(bytes.buffer);
  const [x0, y0] = data.lo;
  const sx = (data.hi[0] - x0) / 65535;
  const sy = (data.hi[1] - y0) / 65535;
  const per = data.points * 2;
  const frames = [];
  for (let f = 0; f < data.n; f++) {
    const xs = new Float64Array(data.points);
    const ys = new Float64Array(data.points);
    for (let p = 0; p < data.points; p++) {
      xs[p] = x0 + q[f * per + 2 * p] * sx;
      ys[p] = y0 + q[f * per + 2 * p + 1] * sy;
    }
    frames.push([xs, ys]);
  }
  return frames;
}

// The factor plot's title at frame f.
export function frameText(data, f) {
  const score = data.scores ? ` · recovered R² ${data.scores[f].toFixed(2)}` : "";
  return `${data.title} at step ${data.steps[f].toLocaleString("en-US")}, epoch ${data.epochs[f]}${score}`;
}

// Frame f's coordinates and step, or, with 0 < frac < 1, those a fraction of the way to frame
// f + 1: Play moves the points smoothly at the screen's rate however few frames a run kept.
export function lerpFrame(frames, steps, f, frac = 0) {
  let [xs, ys] = frames[f];
  let step = steps[f];
  if (frac > 0 && f + 1 < frames.length) {
    const [nx, ny] = frames[f + 1];
    xs = xs.map((x, i) => x + (nx[i] - x) * frac);
    ys = ys.map((y, i) => y + (ny[i] - y) * frac);
    step += (steps[f + 1] - step) * frac;
  }
  return [xs, ys, step];
}

// The factor plot's spec at one frame: the server's spec (explorer/view/live_charts.py
// factor_spec, the one the live view draws) with each series' points taken from the frame.
// members[k]: the point indices of series k. ranges: [x_range, y_range], or null to fit.
// titles (optional): {rows, text, positions} and this frame's pos (an index into positions
// per titled row, -1 where the server found no room), as explorer/view/replay.py sends them.
export function frameSpec(base, members, xs, ys, title, summary, ranges, titles = null, pos = null) {
  const at = new Map();
  if (titles && pos) {
    titles.rows.forEach((row, k) => {
      if (pos[k] >= 0) at.set(row, [titles.text[k], titles.positions[pos[k]]]);
    });
  }
  return {
    ...base,
    title,
    summary,
    x_range: ranges ? ranges[0] : null,
    y_range: ranges ? ranges[1] : null,
    series: base.series.map((s, k) => {
      const out = { ...s, x: members[k].map((i) => xs[i]), y: members[k].map((i) => ys[i]) };
      delete out.titles; // the last frame's, from the server's spec: this frame's instead
      delete out.label_pos;
      if (at.size) {
        out.titles = members[k].map((i) => at.get(i)?.[0] ?? null);
        out.label_pos = members[k].map((i) => at.get(i)?.[1] ?? null);
      }
      return out;
    }),
  };
}
