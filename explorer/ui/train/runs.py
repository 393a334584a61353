"""The Train page's "Runs side by side": this session's runs, what changed, what it did."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from explorer.train.config import ONE_HOT_MODELS
from explorer.train.worker.runner import TrainingRun
from explorer.ui.train.session import earlier_runs, summary_of
from explorer.view.runs import both_ways, comparison_rows, twin


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
    pair = both_ways(runs[-1], current)
    if pair is not None:
        e, o = pair.embedding_epoch_s, pair.one_hot_epoch_s
        st.info(
            f"**Both ways.** Runs {pair.embedding.number} (nn.Embedding) and "
            f"{pair.one_hot.number} (one-hot x nn.Linear) started from the same weights and "
            f"saw the same batches. Their losses differ by at most {pair.max_loss_diff:.2g}: "
            "the same numbers, summed in another order (a row read against a matrix product "
            "with zeros), so float32 rounds them differently. The lookup took "
            f"{e:.3f} s an epoch, the one-hot product {o:.3f} s"
            + (f", {o / e:.1f} times as long." if e > 0 else ".")
        )


def both_ways_button(run: TrainingRun, train) -> None:
    """One click to train the finished run's model the other way (nn.Embedding <->
    one-hot x nn.Linear), everything else the same, so Runs side by side shows the pair."""
    other = twin(run.config.model)
    if other is None:
        return
    c = run.config
    if other in ONE_HOT_MODELS and (c.fast_step or c.row_updates):
        st.caption(
            f"**Train it both ways**: {other} trains with the plain torch step (autograd, "
            "torch's optimizer). To compare like with like, train this model with Closed-form "
            "gradients and AdamW on the touched rows off (Advanced), then press the button that "
            "appears here; or open the README's both-ways link."
        )
        return
    label = "one-hot x nn.Linear" if other in ONE_HOT_MODELS else "nn.Embedding"
    st.button(
        f"Train it with {label} ({other})",
        key="tr_both_ways",
        on_click=train,
        args=(other,),
        help="The same settings and seed, the tables looked up the other way: the two loss "
        "curves should lie on each other.",
    )
