"""The Train page's "Runs side by side": this session's runs, what changed, what it did."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from explorer.train.worker.runner import TrainingRun
from explorer.ui.train.session import earlier_runs, summary_of
from explorer.view.runs import comparison_rows


def runs_section(run: TrainingRun) -> None:
    """The earlier runs and this one in a table; their curves are drawn faintly above."""
    runs = earlier_runs()
    current = summary_of(run, len(runs) + 1)
    if not runs or current is None:
        st.caption(
            "Runs side by side: train again with other settings (wd 0 against 0.3, DotProduct "
            "against DotProductBias...) and this session's last runs are compared here, their "
            "curves drawn faintly beside the new one's."
        )
        return
    st.subheader("Runs side by side")
    rows = pd.DataFrame(comparison_rows([*runs, current]))
    st.dataframe(
        rows,
        width="stretch",
        hide_index=True,
        column_config={
            "changed": st.column_config.TextColumn(width="large"),
            "validation RMSE": st.column_config.NumberColumn(format="%.4f"),
            "change in RMSE": st.column_config.NumberColumn(format="%+.4f"),
        },
    )
    st.caption(f"Run {current.number} is this one; earlier runs are the grey curves above.")
