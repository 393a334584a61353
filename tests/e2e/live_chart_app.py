"""A page with the live view's canvas charts on fixed specs, for tests/e2e/test_live_chart.py."""

import streamlit as st
import torch

from explorer.ui.charts.components import live_chart
from explorer.view import live_charts

coords = torch.tensor([[0.0, 0.0], [1.0, 1.0], [2.0, 0.0], [0.0, 2.0]])
live_chart(
    live_charts.factor_spec(
        coords,
        ["Drama", "Comedy", "Drama", "Comedy"],
        ["Alpha", "Beta", "Gamma", "Delta (Comedy)"],
        "Items",
    ),
    "items",
)
live_chart(live_charts.rmse_spec([10, 20, 30], [1.2, 1.0, 0.9], {"global mean": 1.1}), "rmse")


@st.fragment(run_every=0.5)
def moving() -> None:
    """Alpha steps right on each rerun; the corners hold the axes still."""
    k = st.session_state.get("k", 0)
    st.session_state["k"] = k + 1
    x = 0.5 + 0.3 * (k % 4)
    spec = live_charts.factor_spec(
        torch.tensor([[x, 0.5], [0.0, 0.0], [2.0, 2.0], [0.0, 2.0]]),
        ["Drama", "Comedy", "Comedy", "Comedy"],
        ["Alpha", "Beta", "Gamma", "Delta"],
        "Moving",
    )
    live_chart(spec, "moving")


moving()
