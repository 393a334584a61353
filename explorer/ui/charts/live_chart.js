// The live view's charts while a model trains: one <canvas> per chart, redrawn in place from
// a plain spec (explorer/view/live_charts.py). A plotly redraw cost the browser 100-170 ms a chart
// on the machines we demo on, which the training worker then lost; this costs a few ms.
// The drawing is in draw.js, the constants and helpers in layout.js.

import { draw, mountChart } from "./draw.js";

export default function (component) {
  const { data, parentElement } = component;
  let state = parentElement.__liveChart;
  if (!state) {
    state = mountChart(parentElement, data);
    parentElement.__liveChart = state;
  }
  state.spec = data;
  draw(state);
}
