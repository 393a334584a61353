"""The Train page's "One prediction, step by step": the book's DotProduct.forward, opened up."""

from __future__ import annotations

import urllib.parse

import pandas as pd
import streamlit as st

from explorer.train.worker.runner import TrainingRun
from explorer.ui.charts.components import plotly_chart
from explorer.view import train_figures
from explorer.view.prediction import prediction_steps

MAX_USERS = 2000  # users offered in the box: a selectbox of more is slow to open


def _pair(run: TrainingRun) -> tuple[int, int, float | None]:
    """The user and item picked (a validation rating at first), and the actual rating."""
    r = run.ratings
    users, items, actual = run.valid_rows()
    first_u, first_i = (int(users[0]), int(items[0])) if len(users) else (0, 0)
    c1, c2 = st.columns(2)
    user_choices = list(range(min(MAX_USERS, r.n_users)))
    if first_u not in user_choices:
        user_choices.insert(0, first_u)
    st.session_state.setdefault("tr_pred_user", first_u)
    st.session_state.setdefault("tr_pred_item", st.session_state.get("tr_item", first_i))
    user = c1.selectbox(
        "User", user_choices, format_func=lambda u: f"user {r.user_ids[u]}", key="tr_pred_user"
    )
    item = c2.selectbox("Item", r.items_by_popularity, format_func=r.title, key="tr_pred_item")
    hit = ((r.users == user) & (r.items == item)).nonzero()
    return user, item, float(r.ratings[hit[0, 0]]) if len(hit) else None


def prediction_section(run: TrainingRun) -> None:
    """Pick a user and an item; show each step from the two lookups to the prediction."""
    st.subheader("One prediction, step by step")
    user, item, actual = _pair(run)
    with run.reading() as model:
        s = prediction_steps(model, user, item)
    k = len(s.user_row)
    n_users = run.ratings.n_users  # the link shows the same lookup on a table of this size
    link = "/?" + urllib.parse.urlencode({"n": n_users, "d": k, "indices": str(user)})
    st.markdown(
        f"**1. Look up the user's row.** `user_factors(user)` is row {user} of the "
        f"({n_users:,}, {k}) user table: the lookup the [first page]({link}) shows equals "
        "one-hot x W, on a table of this size."
    )
    rows = pd.DataFrame(  # CollabNN's two rows differ in width: the shorter is padded
        {"user": pd.Series(s.user_row.tolist()), "item": pd.Series(s.item_row.tolist())}
    ).T
    st.dataframe(rows, width="stretch")
    st.markdown(f"**2. Look up the item's row**, `item_factors(item)`, row {item}: above.")
    if s.product is None:  # CollabNN: no dot product, a small net
        _layers(s)
    else:
        _dot_steps(s)
    if s.y_range is not None:
        low, high = s.y_range
        st.markdown(
            f"**Last, squeeze it into y_range:** `sigmoid_range({s.raw:.4f}, {low:g}, "
            f"{high:g})` = **{s.prediction:.4f}**, the model's prediction"
            + (f"; the actual rating is **{actual:g}**." if actual is not None else ".")
        )
    st.caption(
        "Why the output has shape (batch,): for each (user, item) pair of a batch the model "
        "makes one number (DotProduct sums the product over the factors; CollabNN's last "
        "Linear has one output, taken as [:, 0]). nn.Linear(n_users, out_features) on a "
        "one-hot user returns (batch, out_features): the user's row itself, as step 1 looks "
        "it up."
    )


def _layers(s) -> None:
    """CollabNN: the concatenated rows, then what each layer makes of them."""
    table = pd.DataFrame(
        {
            "step": [name for name, _ in s.layers],
            "shape": [str(tuple(t.shape)) for _, t in s.layers],
            "first values": [", ".join(f"{x:.3f}" for x in t[:6].tolist()) for _, t in s.layers],
        }
    )
    st.markdown(
        "**3. Concatenate the two rows and run them through the net**, layer by layer; its "
        f"last output, **{s.raw:.4f}**, is the score."
    )
    st.dataframe(table, width="stretch", hide_index=True)


def _dot_steps(s) -> None:
    """DotProduct(Bias): the product per factor, its sum and the biases."""
    k = len(s.product)
    plotly_chart(
        train_figures.contributions_figure(
            s.product, "3. Their element-wise product: which factors push the score up or down"
        ),
        key="tr_pred_bars",
    )
    terms = [f"the sum of the {k} products, {s.dot:+.4f}"]
    if s.user_bias is not None:
        terms += [f"the user's bias {s.user_bias:+.4f}", f"the item's bias {s.item_bias:+.4f}"]
    st.markdown(f"**4. Add them up:** {', '.join(terms)}: a score of **{s.raw:.4f}**.")
