"""The Lookup page's cost section: the model of each path's work, and a measured sweep."""

from __future__ import annotations

import pandas as pd
import streamlit as st
import torch

from explorer.devices import available_devices
from explorer.lookup.config import DTYPES, LookupConfig, parse_indices
from explorer.lookup.cost import SweepChoice, lookup_cost, one_hot_cost, sweep
from explorer.lookup.units import format_bytes
from explorer.settings import entry, problems
from explorer.ui.charts.components import plotly_chart
from explorer.ui.widgets import seed_widget, setting_widget
from explorer.view import figures


def cost_section(config: LookupConfig, batch: int | None = None) -> None:
    """The cost model and the timing sweep; batch is parsed from the config when not given."""
    if batch is None:
        try:
            batch = torch.tensor(parse_indices(config.indices)).numel()
        except ValueError:
            return  # nothing to cost: the error above says what to type
    if config.n < 1 or config.d < 1 or config.dtype not in DTYPES:
        return
    st.subheader("7. Cost")
    size = DTYPES[config.dtype].itemsize
    costs = [
        lookup_cost(batch, config.n, config.d, size),
        one_hot_cost(batch, config.n, config.d, size),
    ]
    st.dataframe(
        pd.DataFrame(
            {
                "path": [c.name for c in costs],
                "multiply-adds": [f"{c.multiply_adds:,}" for c in costs],
                "bytes read": [format_bytes(c.bytes_read) for c in costs],
                "bytes written": [format_bytes(c.bytes_written) for c in costs],
                "input": [format_bytes(c.input_bytes) for c in costs],
            }
        ),
        width="stretch",
        hide_index=True,
    )
    st.caption(
        f"Lookup: reads {batch} x {config.d} numbers. One-hot: builds a {batch} x "
        f"{config.n} input, then {batch} x {config.n} x {config.d} multiply-adds."
    )
    with st.expander("Measure time against n (log-log)"):
        devices = available_devices()
        c1, c2, c3 = st.columns(3)
        device = c1.selectbox("Device", devices, key="lk_sweep_device")
        for name in ("passes", "batch"):
            seed_widget(f"lk_sweep_{name}", getattr(SweepChoice(), name))
        what = setting_widget(c2, entry(SweepChoice, "passes"), "lk_sweep_passes")
        batch_size = setting_widget(c3, entry(SweepChoice, "batch"), "lk_sweep_batch")
        why = problems(SweepChoice(what, batch_size))
        if why:
            st.error(why[0] + ".", icon="⚠️")
        elif st.button("Run the sweep", key="lk_sweep_run"):
            ns = [10**k for k in range(2, 6)]
            ns = [n for n in ns if batch_size * n * 4 <= 512 * 2**20]
            bar = st.progress(0.0, text="measuring...")
            points = []
            for k, p in enumerate(
                sweep(ns, 50, int(batch_size), device, what != "forward", repeats=5), start=1
            ):
                points.append(p)
                bar.progress(k / len(ns), text=f"n = {p.n:,}: one-hot / lookup = {p.ratio:.0f}x")
            st.session_state["lk_sweep"] = (what, points)
        if "lk_sweep" in st.session_state:
            what_s, pts = st.session_state["lk_sweep"]
            plotly_chart(
                figures.sweep_figure(
                    [p.n for p in pts],
                    [p.lookup_s for p in pts],
                    [p.one_hot_s for p in pts],
                    what_s,
                ),
                key="lk_sweep_chart",
            )
