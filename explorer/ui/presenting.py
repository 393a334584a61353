"""The presenting switch: larger type and the sidebar folded away, for a room (`present=1`).

One declaration (`Presenting`) feeds the link and the sidebar's toggle; the link keeps the
switch with every other setting, so a teacher's link opens the demo as it is to be shown.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from explorer.settings import setting, table
from explorer.ui.widgets import PRESENT_KEY, setting_widget
from explorer.view.links import from_query

KEY = PRESENT_KEY
BASE_PX = 21  # the page's base type, presenting (Streamlit's own is 16 px): text is sized in rem
# (CSS zoom would grow the charts too, but plotly then drew wider than its column)


@dataclass(frozen=True)
class Presenting:
    present: bool = setting(
        False,
        "Presenting",
        "Larger type and charts, the sidebar folded away: for a room. The link keeps it.",
        widget="checkbox",
    )


def from_link() -> bool:
    """The switch as the link set it (once a session); a bad value is reported by name."""
    if KEY not in st.session_state:
        choice, problems = from_query(Presenting, st.query_params.to_dict())
        st.session_state[KEY] = choice.present
        st.session_state["_present_problems"] = problems
    return bool(st.session_state[KEY])


def sidebar_state() -> str:
    """The sidebar's state at the first paint: folded when presenting."""
    return "collapsed" if from_link() else "auto"


def apply() -> None:
    """The sidebar's toggle, the link's problems, and, presenting, the larger type."""
    for problem in st.session_state.pop("_present_problems", []):
        st.warning(f"{problem}; the default was used.")
    setting_widget(st.sidebar, table(Presenting)[0], KEY)
    if st.session_state[KEY]:
        st.html(f"<style>html {{ font-size: {BASE_PX}px !important; }}</style>")
