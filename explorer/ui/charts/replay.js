// The replay player: a run's factor frames and its curves, played in the browser. The server
// sends the whole run once (explorer/view/replay.py); the timeline, Play and the speed only
// redraw canvases here, so Play runs at the browser's frame rate. The frame a user stops on
// goes back to the server (setStateValue "frame"), which writes it into the link.
// Drawing: draw.js; the frames and their specs: frames.js (pure, unit-tested).

import { draw, mountChart } from "./draw.js";
import { decode, frameSpec, frameText, lerpFrame } from "./frames.js";

// Draw frame f, or (while playing) the points a fraction `frac` of the way to frame f + 1.
function show(st, f, frac = 0) {
  const data = st.data;
  st.frame = f;
  const [xs, ys, step] = lerpFrame(st.frames, data.steps, f, frac);
  const ranges = st.zoom.checked ? null : [data.x_range, data.y_range]; // zoomed: axes follow
  const summary = `frame ${f + 1} of ${data.n}`;
  const title = frameText(data, f);
  const base = { ...data.factor, style: data.style };
  const pos = data.titles?.pos[Math.round(f + frac)] ?? null; // the nearer frame's places
  st.factor.spec = frameSpec(base, data.members, xs, ys, title, summary, ranges, data.titles, pos);
  draw(st.factor);
  for (const c of st.curves) {
    c.spec = { ...c.base, cursor_x: step };
    draw(c);
  }
  st.slider.value = String(f);
  st.label.textContent = `frame ${f + 1}/${data.n} · step ${data.steps[f].toLocaleString("en-US")}`;
  st.root.dataset.frame = String(f);
  st.drawn += 1;
}

// The frame in the address bar now, as well as on the server (which writes it into the link
// on its next rerun): a rerun interrupted by another could leave the address bar behind.
function reportFrame(st) {
  st.setState("frame", st.frame);
  const url = new URL(window.location.href);
  url.searchParams.set("frame", String(st.frame));
  window.history.replaceState(window.history.state, "", url);
}

function stop(st, report) {
  if (st.playing) {
    const seconds = (performance.now() - st.playStart) / 1000;
    if (seconds > 0.2) st.root.dataset.fps = (st.drawn - st.drawnAtStart) / seconds;
  }
  st.playing = false;
  st.play.textContent = "▶ Play";
  st.root.dataset.playing = "0";
  if (report) reportFrame(st);
}

function tick(st) {
  if (!st.playing) return;
  const last = st.data.n - 1;
  const per = (st.data.seconds * 1000) / Number(st.speed.value) / Math.max(1, last);
  const at = Math.min(last, (performance.now() - st.t0) / per);
  const f = Math.floor(at);
  show(st, f, at - f);
  if (f >= last) stop(st, true);
  else requestAnimationFrame(() => tick(st));
}

function start(st) {
  const last = st.data.n - 1;
  if (st.frame >= last) show(st, 0); // from the start again
  const per = (st.data.seconds * 1000) / Number(st.speed.value) / Math.max(1, last);
  st.t0 = performance.now() - st.frame * per;
  st.playing = true;
  st.playStart = performance.now();
  st.drawnAtStart = st.drawn;
  st.play.textContent = "❚❚ Pause";
  st.root.dataset.playing = "1";
  requestAnimationFrame(() => tick(st));
}

function element(tag, cls, parent) {
  const el = document.createElement(tag);
  if (cls) el.className = cls;
  parent.appendChild(el);
  return el;
}

function mount(parentElement, setState, data) {
  const root = element("div", "replay", parentElement);
  const bar = element("div", "replay-bar", root);
  const st = { root, setState, playing: false, frame: 0, drawn: 0, data: null };
  st.play = element("button", "replay-play", bar);
  st.play.type = "button";
  st.slider = element("input", "replay-timeline", bar);
  st.slider.type = "range";
  st.slider.min = "0";
  st.slider.setAttribute("aria-label", "Replay timeline: drag to a frame");
  st.label = element("span", "replay-label", bar);
  const speedBox = element("label", "replay-speed", bar);
  speedBox.append("Speed ");
  st.speed = element("select", "", speedBox);
  for (const s of data.speeds) {
    const o = element("option", "", st.speed);
    o.value = String(s);
    o.textContent = `${s}× (${(data.seconds / s).toFixed(1)} s)`;
  }
  st.speed.value = "1";
  const zoomBox = element("label", "replay-speed", bar);
  st.zoom = element("input", "replay-zoom", zoomBox);
  st.zoom.type = "checkbox";
  st.zoom.checked = true;
  zoomBox.append(" Zoom with the cloud");
  zoomBox.title =
    "On: the axes fit each frame, so the start's small random cloud fills the plot too. " +
    "Off: one scale for the whole run, so you see the factors grow.";
  st.zoom.addEventListener("change", () => show(st, st.frame));
  const grid = element("div", "replay-grid", root);
  st.factor = mountChart(element("div", "replay-main", grid), null, "replay-chart");
  const side = element("div", "replay-side", grid);
  st.sides = [0, 1, 2].map(() => mountChart(side, null, "replay-chart"));
  st.play.addEventListener("click", () => (st.playing ? stop(st, true) : start(st)));
  st.slider.addEventListener("input", () => {
    if (st.playing) stop(st, false);
    show(st, Number(st.slider.value));
  });
  st.slider.addEventListener("change", () => reportFrame(st));
  stop(st, false);
  return st;
}

function load(st, data) {
  st.data = data;
  st.frames = decode(data);
  st.slider.max = String(data.n - 1);
  const specs = [data.loss, data.rmse, data.planted];
  st.curves = [];
  st.sides.forEach((c, k) => {
    c.root.style.display = specs[k] ? "block" : "none";
    if (specs[k]) {
      c.base = { ...specs[k], style: data.style };
      st.curves.push(c);
    }
  });
}

export default function (component) {
  const { data, parentElement, setStateValue } = component;
  let st = parentElement.__replay;
  if (!st) {
    st = mount(parentElement, setStateValue, data);
    parentElement.__replay = st;
  }
  if (st.data === null || st.data.coords !== data.coords || st.data.title !== data.title) {
    if (st.playing) stop(st, false);
    load(st, data);
    st.asked = null;
  }
  const asked = data.frame ?? data.n - 1; // a frame the server asks for: a link, a new run
  if (asked !== st.asked) {
    st.asked = asked;
    if (!st.playing) show(st, Math.min(asked, data.n - 1));
  }
}
