// Drawing one chart spec on a <canvas> (explorer/view/live_charts.py makes the specs), with
// a hover tip; shared by the live charts (live_chart.js) and the replay (replay.js).
// Specs: {kind: "lines" | "points", title, x_title, y_title, height, x_range, y_range, summary,
//   cursor_x, series: [{name, x, y, color, width, alpha, dash, markers, text}]}. Points with
//   `text` show it on hover, the way the finished (plotly) chart does; `cursor_x` draws a
//   vertical line there (the replay's frame). A spec of kind "heatmap" is drawn by heatmap.js.

import { drawHeatmap } from "./heatmap.js";
import {
  extent,
  label,
  labelAnchor,
  legendRows,
  nearest,
  niceTicks,
  yTitle,
} from "./layout.js";

export function draw(state) {
  const spec = state.spec;
  const S = spec.style; // fonts, colours, margins: explorer/view/theme.py canvas_style
  const canvas = state.canvas;
  const width = Math.max(240, state.root.clientWidth || 600);
  const height = spec.height;
  const dpr = window.devicePixelRatio || 1;
  if (canvas.width !== Math.round(width * dpr) || canvas.height !== Math.round(height * dpr)) {
    canvas.width = Math.round(width * dpr);
    canvas.height = Math.round(height * dpr);
    canvas.style.width = `${width}px`;
    canvas.style.height = `${height}px`;
  }
  canvas.setAttribute("aria-label", `${spec.title}. ${spec.summary || ""}`);
  const g = canvas.getContext("2d");
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  g.clearRect(0, 0, width, height);
  g.font = S.font;
  if (spec.kind === "heatmap") {
    drawHeatmap(state, g, width);
    hover(state, false);
    return;
  }
  state.hitTest = null;
  const named = spec.series.filter((s) => s.name);
  const rows = legendRows(g, named, width - S.pad.right, S.pad.left);
  const plot = {
    x0: S.pad.left,
    x1: width - S.pad.right,
    y0: S.pad.top,
    y1: height - S.pad.bottom - rows.length * S.legend_row,
  };
  const points = spec.kind === "points";
  const [xlo, xhi] = extent(
    spec.series.flatMap((s) => s.x),
    spec.x_range,
    points ? 0.05 : 0,
  );
  const [ylo, yhi] = extent(
    spec.series.flatMap((s) => s.y),
    spec.y_range,
    0.05,
  );
  const px = (x) => plot.x0 + ((x - xlo) / (xhi - xlo || 1)) * (plot.x1 - plot.x0);
  const py = (y) => plot.y1 - ((y - ylo) / (yhi - ylo || 1)) * (plot.y1 - plot.y0);

  g.fillStyle = S.text;
  g.font = S.title_font;
  g.textBaseline = "alphabetic";
  g.textAlign = "left";
  g.fillText(spec.title, 4, S.pad.top - 16);
  g.font = S.font;
  g.lineWidth = 1;
  g.strokeStyle = S.grid;
  g.fillStyle = S.muted;
  g.textAlign = "right";
  g.textBaseline = "middle";
  for (const t of niceTicks(ylo, yhi, 5)) {
    const y = Math.round(py(t)) + 0.5;
    g.beginPath();
    g.moveTo(plot.x0, y);
    g.lineTo(plot.x1, y);
    g.stroke();
    g.fillText(label(t), plot.x0 - 6, y);
  }
  g.textAlign = "center";
  g.textBaseline = "top";
  for (const t of niceTicks(xlo, xhi, Math.max(2, Math.floor((plot.x1 - plot.x0) / 90)))) {
    const half = g.measureText(label(t)).width / 2;
    g.fillText(label(t), Math.min(px(t), width - half - 1), plot.y1 + 5); // never cut off
  }
  g.fillText(spec.x_title || "", (plot.x0 + plot.x1) / 2, plot.y1 + 21);
  yTitle(g, spec.y_title, 13, (plot.y0 + plot.y1) / 2);

  g.save();
  g.beginPath();
  g.rect(plot.x0 - 5, plot.y0 - 5, plot.x1 - plot.x0 + 10, plot.y1 - plot.y0 + 10); // whole markers
  g.clip();
  const hits = [];
  const titles = []; // [x, y, text, position] of the titled points
  for (const s of spec.series) {
    g.globalAlpha = s.alpha ?? 1;
    g.strokeStyle = s.color;
    g.fillStyle = s.color;
    g.lineWidth = s.width ?? 2;
    g.setLineDash(s.dash === "dash" ? [6, 4] : s.dash === "dot" ? [2, 3] : []);
    if (!points) {
      g.beginPath();
      let pen = false;
      for (let i = 0; i < s.x.length; i++) {
        if (!Number.isFinite(s.y[i])) {
          pen = false;
          continue;
        }
        if (pen) g.lineTo(px(s.x[i]), py(s.y[i]));
        else g.moveTo(px(s.x[i]), py(s.y[i]));
        pen = true;
      }
      g.stroke();
    }
    if (points || s.markers) {
      const r = points ? 3.5 : 3;
      for (let i = 0; i < s.x.length; i++) {
        if (!Number.isFinite(s.y[i])) continue;
        const x = px(s.x[i]);
        const y = py(s.y[i]);
        g.beginPath();
        g.arc(x, y, r, 0, 2 * Math.PI);
        g.fill();
        if (s.text) hits.push([x, y, s.text[i], s.name]);
        if (s.label_pos?.[i]) titles.push([x, y, s.titles[i], s.label_pos[i]]);
      }
    }
  }
  g.globalAlpha = 1; // the titles the server placed, over the points
  g.font = S.font;
  g.fillStyle = S.text;
  for (const [x, y, text, position] of titles) {
    const a = labelAnchor(x, y, position);
    g.textAlign = a.align;
    g.textBaseline = a.baseline;
    g.fillText(text, a.x, a.y);
  }
  if (spec.cursor_x !== undefined && spec.cursor_x !== null) {
    g.globalAlpha = 1;
    g.setLineDash([]);
    g.strokeStyle = S.text; // the replay's frame
    g.lineWidth = 1.5;
    g.beginPath();
    g.moveTo(Math.round(px(spec.cursor_x)) + 0.5, plot.y0);
    g.lineTo(Math.round(px(spec.cursor_x)) + 0.5, plot.y1);
    g.stroke();
  }
  g.restore();
  g.globalAlpha = 1;
  g.setLineDash([]);

  g.textAlign = "left";
  g.textBaseline = "middle";
  rows.forEach((row, k) => {
    const y = height - rows.length * S.legend_row + k * S.legend_row + 6;
    for (const { s, x } of row) {
      g.strokeStyle = s.color;
      g.fillStyle = s.color;
      g.lineWidth = 2;
      if (points || s.markers) {
        g.beginPath();
        g.arc(x + 9, y, 4, 0, 2 * Math.PI);
        g.fill();
      } else {
        g.setLineDash(s.dash === "dash" ? [6, 4] : s.dash === "dot" ? [2, 3] : []);
        g.beginPath();
        g.moveTo(x, y);
        g.lineTo(x + 18, y);
        g.stroke();
        g.setLineDash([]);
      }
      g.fillStyle = S.text;
      g.fillText(s.name, x + 22, y);
    }
  });
  state.hits = hits;
  hover(state, false);
  const picked = state.tip.style.display === "block" && hits.find((h) => h[2] === state.picked);
  if (picked) {
    g.strokeStyle = S.text; // ring the point whose title is shown
    g.lineWidth = 1.5;
    g.beginPath();
    g.arc(picked[0], picked[1], 6, 0, 2 * Math.PI);
    g.stroke();
  }
}

// A moved mouse picks the nearest point; a redraw keeps showing the point picked, wherever it
// has moved to, so a title stays readable while the factors learn.
export function hover(state, moved) {
  const tip = state.tip;
  let hit;
  if (state.hitTest) {
    hit = state.mouse && nearest(state); // a heatmap's cell: nothing picked, no redraw to ring it
  } else {
    if (moved) state.picked = state.mouse ? nearest(state)?.[2] ?? null : null;
    hit = state.picked !== null && state.hits.find((h) => h[2] === state.picked);
  }
  if (!hit) {
    tip.style.display = "none";
    return;
  }
  const [x, y, text, group] = hit; // the group once: a title may already name it
  tip.textContent = group && !text.includes(group) ? `${text} (${group})` : text;
  tip.style.font = state.spec.style?.font ?? ""; // the chart's type: larger when presenting
  tip.style.display = "block";
  tip.style.left = `${Math.min(x + 10, state.root.clientWidth - tip.offsetWidth - 4)}px`;
  tip.style.top = `${y - 28}px`;
}


// One chart: a <canvas> with its hover tip, in `parent`; returns the state draw() takes.
// extra: more classes for its root ("replay-chart" in the replay).
export function mountChart(parent, spec, extra = "") {
  const root = document.createElement("div");
  root.className = `live-chart ${extra}`.trim();
  const canvas = document.createElement("canvas");
  canvas.setAttribute("role", "img");
  const tip = document.createElement("div");
  tip.className = "live-chart-tip";
  root.append(canvas, tip);
  parent.appendChild(root);
  const state = { root, canvas, tip, hits: [], mouse: null, picked: null, spec };
  canvas.addEventListener("mousemove", (e) => {
    const box = canvas.getBoundingClientRect();
    state.mouse = [e.clientX - box.left, e.clientY - box.top];
    const before = state.picked;
    hover(state, true);
    if (state.picked !== before) draw(state); // move the ring
  });
  canvas.addEventListener("mouseleave", () => {
    state.mouse = null;
    hover(state, true);
    draw(state);
  });
  state.resize = new ResizeObserver(() => draw(state));
  state.resize.observe(root);
  return state;
}
