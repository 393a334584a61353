"""The Train page after a run: metrics, biases, neighbours, recommendations, a new user, export."""

from __future__ import annotations

import pandas as pd
import streamlit as st
import torch

from explorer.train.config import FACTOR_MODELS
from explorer.train.model.baselines import metrics
from explorer.train.worker.runner import TrainingRun
from explorer.ui.charts.components import plotly_chart
from explorer.ui.train.prediction import prediction_section
from explorer.ui.train.runs import runs_section
from explorer.view import train_figures
from explorer.view.analysis import (
    bias_ranking,
    fold_in_user,
    item_neighbours,
    predict_items,
    recommend,
    user_scores,
)
from explorer.view.export import checkpoint_bytes, projector_metadata, projector_vectors

MIN_RATINGS = 20  # items rated fewer times are left out of the neighbour and bias tables


def _predictions(run: TrainingRun) -> torch.Tensor:
    """The model's validation predictions, computed once per run and step, not per rerun."""
    key = (id(run), run.view().global_step)
    cached = st.session_state.get("tr_predictions")
    if cached is None or cached[0] != key:
        st.session_state["tr_predictions"] = (key, run.predict_valid())
    return st.session_state["tr_predictions"][1]


def _metrics_table(run: TrainingRun, pred: torch.Tensor) -> None:
    base = run.plan.baselines
    final = metrics(pred, run.valid_rows()[2])
    rows = [
        ("global mean", base.global_mean),
        ("user + item biases", base.biases),
        (run.config.model, final),
    ]
    st.dataframe(
        pd.DataFrame([{"model": n, "RMSE": m.rmse, "MAE": m.mae, "MSE": m.mse} for n, m in rows]),
        width="stretch",
        hide_index=True,
    )
    s = run.plan.split
    st.caption(
        f"Validation: {len(s.valid):,} ratings ({s.how}). {s.cold_users} users and "
        f"{s.cold_items} items appear only there: their embeddings were never trained."
    )


def _biases(run: TrainingRun) -> None:
    model, r = run.model, run.ratings
    if not hasattr(model, "item_bias"):
        st.caption("DotProduct has no biases: train DotProductBias to read them.")
        return
    st.markdown(
        "**Item biases** (the book's reading: a low bias means people rate the item low "
        "even when it suits their taste; a high one, high even when it does not)."
    )
    counts = r.item_counts
    bias = model.item_bias.weight[:, 0].detach().cpu()
    top, bottom = bias_ranking(bias, counts, 10, MIN_RATINGS)
    left, right = st.columns(2)
    for col, name, items in ((left, "highest bias", top), (right, "lowest bias", bottom)):
        col.dataframe(
            pd.DataFrame(
                {
                    name: [r.title(i) for i in items],
                    "bias": [float(bias[i]) for i in items],
                    "ratings": [int(counts[i]) for i in items],
                }
            ),
            width="stretch",
            hide_index=True,
        )


def _item_choice(run: TrainingRun) -> int:
    r = run.ratings
    order = r.items_by_popularity
    current = st.session_state.get("tr_item", order[0])
    if current not in order:
        current = order[0]
    if st.session_state.get("tr_item_select") not in order:  # seeded once, never also given
        st.session_state["tr_item_select"] = current  # a default: that warned and lost clicks
    return st.selectbox(
        "Item (search a title, or click a point in the factor plot)",
        order,
        format_func=r.title,
        key="tr_item_select",
    )


def _neighbours(run: TrainingRun) -> None:
    item = _item_choice(run)
    st.session_state["tr_item"] = item
    factors = run.model.item_factors.weight.detach().cpu()
    counts = run.ratings.item_counts
    near = item_neighbours(factors, item, 10, eligible=counts >= min(MIN_RATINGS, counts.max()))
    st.dataframe(
        pd.DataFrame(
            {
                "nearest items": [run.ratings.title(i) for i, _ in near],
                "cosine similarity": [s for _, s in near],
            }
        ),
        width="stretch",
        hide_index=True,
    )


def _user_tables(run: TrainingRun, scores: torch.Tensor, rated: list[int]) -> None:
    r = run.ratings
    recs = recommend(scores, rated, 10)
    st.dataframe(
        pd.DataFrame(
            {"recommended": [r.title(i) for i, _ in recs], "predicted rating": [s for _, s in recs]}
        ),
        width="stretch",
        hide_index=True,
    )


def _recommendations(run: TrainingRun) -> None:
    r = run.ratings
    user = st.number_input("User index", 0, r.n_users - 1, 0, key="tr_user")
    with run.reading() as model:
        scores = user_scores(model, int(user))  # the model's own prediction of every item
    mask = r.users == user
    rated = r.items[mask].tolist()
    left, right = st.columns(2)
    with left:
        _user_tables(run, scores.detach(), rated)
    with right:
        top = r.ratings[mask].argsort(descending=True)[:10]
        st.dataframe(
            pd.DataFrame(
                {
                    "already rated": [r.title(rated[i]) for i in top.tolist()],
                    "rating": r.ratings[mask][top].tolist(),
                }
            ),
            width="stretch",
            hide_index=True,
        )


def _new_user(run: TrainingRun) -> None:
    r, m = run.ratings, run.model
    if run.config.model not in FACTOR_MODELS:
        st.caption(
            "**A new user**: placing a new user among the items by their factors needs a dot "
            "product: train DotProduct or DotProductBias to try it."
        )
        return
    st.markdown(
        "**A new user.** Rate a few items: the model places you among the items it "
        "knows (your factors are fitted with the item factors held fixed) and "
        "recommends at once: the book's cold-start answer."
    )
    order = r.items_by_popularity[:300]
    picked = st.multiselect(
        "Items you have seen", order, format_func=r.title, key="tr_new_items", max_selections=20
    )
    if not picked:
        return
    lo, hi = r.rating_range
    rated = {
        i: st.slider(r.title(i), lo, hi, hi, step=0.5 if lo % 1 else 1.0, key=f"tr_new_{i}")
        for i in picked
    }
    itf = m.item_factors.weight.detach().cpu()
    ib = m.item_bias.weight[:, 0].detach().cpu() if hasattr(m, "item_bias") else None
    vec, bias = fold_in_user(rated, itf, ib, m.y_range)
    scores = predict_items(vec, bias, itf, ib, m.y_range)
    _user_tables(run, scores, list(rated))


def _export(run: TrainingRun) -> None:
    m, r = run.model, run.ratings
    factors = m.item_factors.weight.detach().cpu().clone()
    c = st.columns(3)
    # each file is made when its button is pressed, not on every rerun of the page
    files = [
        ("Checkpoint (.pt)", lambda: checkpoint_bytes(m, run.config, r), "dotproduct.pt"),
        ("Projector vectors.tsv", lambda: projector_vectors(factors), "vectors.tsv"),
        ("Projector metadata.tsv", lambda: projector_metadata(r), "metadata.tsv"),
    ]
    for col, (label, make, name), key in zip(c, files, ("ckpt", "vec", "meta"), strict=True):
        col.download_button(label, make, name, key=f"tr_dl_{key}", on_click="ignore")
    st.caption(
        "Load both TSV files at projector.tensorflow.org to explore the item factors in 3-D."
    )


def results_section(run: TrainingRun) -> None:
    """What the model learned; drawn when the run is not training."""
    if run.view().global_step == 0:
        return
    st.header("What it learned")
    pred = _predictions(run)
    _metrics_table(run, pred)
    runs_section(run)
    with st.expander("Predicted against actual"):
        plotly_chart(
            train_figures.pred_actual_figure(pred, run.valid_rows()[2]), key="tr_pred_actual"
        )
    _biases(run)
    st.subheader("Nearest items")
    _neighbours(run)
    st.subheader("Recommendations for a user")
    _recommendations(run)
    _new_user(run)
    prediction_section(run)
    st.subheader("Export")
    _export(run)
