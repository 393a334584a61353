"""The canvas chart the live view draws with: an `st.components.v2` component, which runs in
the page itself (no iframe) and redraws its canvas in place when its spec changes."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

_CSS = """
.live-chart { position: relative; }
.live-chart canvas { display: block; }
.live-chart-tip {
  position: absolute; display: none; pointer-events: none; white-space: nowrap;
  background: #fff; color: #31333f; border: 1px solid #d5d7de; border-radius: 4px;
  padding: 2px 6px; font: 12px "Source Sans", "Source Sans Pro", sans-serif;
}
"""
_HERE = Path(__file__).parent
_SHARED = ("live_chart_layout.js", "live_chart_draw.js")
_JS = "\n".join((_HERE / name).read_text() for name in (*_SHARED, "live_chart.js"))
_component = st.components.v2.component("live_chart", js=_JS, css=_CSS)


def live_chart(spec: dict, key: str) -> None:
    """Draw one spec from `explorer.view.live_charts` (a canvas, redrawn in place on each rerun)."""
    _component(data=spec, key=key)
