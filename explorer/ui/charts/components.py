"""The two canvas components, `st.components.v2` (they run in the page itself, no iframe):
the live chart, redrawn in place when its spec changes, and the replay player. Their
JavaScript is ES modules beside this file, bundled for the browser by `bundle.py`."""

from __future__ import annotations

import streamlit as st

from explorer.ui.charts.bundle import bundle
from explorer.ui.widgets import PRESENT_KEY
from explorer.view import theme
from explorer.view.theme import canvas_style

_CSS = """
.live-chart { position: relative; }
.live-chart canvas { display: block; }
.live-chart-tip {
  position: absolute; display: none; pointer-events: none; white-space: nowrap;
  background: #fff; color: #31333f; border: 1px solid #d5d7de; border-radius: 4px;
  padding: 2px 6px; font: 12px "Source Sans", "Source Sans Pro", sans-serif;
}
"""
_REPLAY_CSS = """
.replay-bar { display: flex; flex-wrap: wrap; align-items: center; gap: 10px; margin: 4px 0 8px; }
.replay-bar button, .replay-bar select {
  font: 15px "Source Sans", "Source Sans Pro", sans-serif; padding: 4px 12px;
  border: 1px solid #d5d7de; border-radius: 6px; background: #fff; color: #31333f;
}
.replay-play { min-width: 96px; cursor: pointer; }
.replay-timeline { flex: 1 1 240px; min-width: 160px; accent-color: #0072B2; }
.replay-label, .replay-speed { font: 14px "Source Sans", "Source Sans Pro", sans-serif;
  color: #31333f; }
.replay-grid { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 12px; }
@media (max-width: 760px) { .replay-grid { grid-template-columns: minmax(0, 1fr); } }
"""
_live = st.components.v2.component("live_chart", js=bundle("live_chart.js"), css=_CSS)
_replay = st.components.v2.component("replay", js=bundle("replay.js"), css=_CSS + _REPLAY_CSS)


def plotly_chart(fig, key: str, box=None, **kw):
    """st.plotly_chart, with every text at least 18 px when presenting (view/theme.py)."""
    if st.session_state.get(PRESENT_KEY):
        fig = theme.presented(fig)
    return (box or st).plotly_chart(fig, key=key, **kw)


def _style() -> dict:
    """The canvases' look, larger when presenting (explorer/view/theme.py)."""
    return canvas_style(present=bool(st.session_state.get(PRESENT_KEY)))


def live_chart(spec: dict, key: str) -> None:
    """Draw one spec from `explorer.view.live_charts` (a canvas, redrawn in place on each rerun)."""
    _live(data={**spec, "style": _style()}, key=key)


def replay_player(data: dict, key: str, frame: int | None, on_frame_change) -> None:
    """The replay player for one run's payload (`explorer.view.replay.payload`); the frame a
    user stops on comes back through `on_frame_change`."""
    data = {**data, "style": _style()}
    _replay(data=data, key=key, default={"frame": frame}, on_frame_change=on_frame_change)
