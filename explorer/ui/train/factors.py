"""The Train page's factor plot: items (or users) projected to 2-D, live and after a run.

While training: a canvas, each frame aligned to the last one drawn, so the cloud holds still.
After: a plotly chart on the replay's basis, where a click picks an item, a click on a legend
entry shows that group alone, a search box rings the titles that match, and the most rated
items carry their titles, so a room can find its way around the cloud.
"""

from __future__ import annotations

import streamlit as st
import torch

from explorer.pca import project
from explorer.train.worker.runner import RunView, TrainingRun
from explorer.ui.charts.components import live_chart, plotly_chart
from explorer.ui.widgets import PRESENT_KEY
from explorer.view import live_charts, theme, train_figures
from explorer.view.analysis import align_to, pca_2d

MAX_POINTS = 1500  # the whole cloud: the most rated items, so the browser keeps up
LIVE_POINTS = 400  # the whole cloud while training: the genres part, a small message to send
TOP_ITEMS = 60  # the default view, as the book's: the most rated items, each titled where
# there is room; the whole cloud is a switch away (WHOLE_KEY)
WHOLE_KEY = "tr_whole_cloud"
MAX_FOUND = 40  # rings at most this many matches of the search box


def whole_cloud() -> bool:
    """Every item (up to MAX_POINTS), or the TOP_ITEMS most rated with their titles."""
    return bool(st.session_state.get(WHOLE_KEY))


def title_px(canvas: bool) -> int:
    """The titles' type: larger when presenting, as every chart text."""
    if st.session_state.get(PRESENT_KEY):
        return theme.PRESENT_MIN_PX
    return 12 if canvas else 13


def by_popularity(ratings, idx: list[int], k: int = TOP_ITEMS) -> list[int]:
    """Rows of idx (item indices) of the k most rated items, the most rated first."""
    row = {item: r for r, item in enumerate(idx)}
    return [row[i] for i in ratings.items_by_popularity[:k] if i in row]


def shown_items(ratings, k: int) -> torch.Tensor:
    """The k most rated items, the ones the factor plot draws: (k,) indices."""
    return torch.tensor(sorted(ratings.items_by_popularity[:k]))


def _picked() -> None:
    """A point clicked in the factor plot: the neighbours and the item box follow. A callback
    runs before the page is drawn, so the ring and the box show the click on this very rerun
    (read after the chart, they lagged one click behind)."""
    event = st.session_state.get("tr_item_factors") or {}
    points = (event.get("selection") or {}).get("points") or []
    picked = [p["customdata"] for p in points if p.get("customdata") is not None]
    if picked:  # the neighbours' box and "one prediction" follow the click
        item = int(picked[0])
        st.session_state["tr_item"] = st.session_state["tr_item_select"] = item
        st.session_state["tr_pred_item"] = item


def _steady(run: TrainingRun, which: str, coords: torch.Tensor) -> torch.Tensor:
    """The frame aligned to the last one drawn of this run (same points), so the cloud does
    not turn or flip between redraws; remembered for the next."""
    key = (id(run), which, coords.shape)
    last = st.session_state.get("tr_last_frame")
    coords = align_to(coords, last[1] if last and last[0] == key else None)
    st.session_state["tr_last_frame"] = (key, coords)
    return coords


def _find_box(names: list[str], ids: list[int]) -> list[int]:
    """A search box over the plotted titles; the ids of the matches (at most MAX_FOUND)."""
    text = st.text_input(
        "Find titles on the plot",
        key="tr_find",
        placeholder="e.g. star, toy, godfather",
        help="Every plotted title containing this text gets a black ring.",
    ).strip()
    if not text:
        return []
    found = [i for i, name in zip(ids, names, strict=True) if text.lower() in name.lower()]
    if not found:
        st.caption(f"No plotted title contains {text!r}.")
    elif len(found) > MAX_FOUND:
        st.caption(f"{len(found)} titles contain {text!r}; the first {MAX_FOUND} are ringed.")
    return found[:MAX_FOUND]


def factor_plot(run: TrainingRun, v: RunView, which: str) -> None:
    snap = v.snapshot
    if snap is None:
        return
    r = run.ratings
    limit = LIVE_POINTS if run.running else MAX_POINTS
    if which == "items":
        idx = shown_items(r, limit if whole_cloud() else TOP_ITEMS)
        titled = by_popularity(r, idx.tolist())
        if run.running or v.replay is None:
            coords = _steady(run, "items", pca_2d(snap.item_factors[idx]))
        else:  # on the replay's basis, so its last frame and this plot are the same picture
            coords = project(snap.item_factors[idx], v.replay.item_mean, v.replay.item_basis)
        labels = [r.item_genres[i] for i in idx.tolist()] if r.item_genres else ["item"] * len(idx)
        names = [r.title(i) for i in idx.tolist()]
        title = f"Item factors, PCA to 2-D (step {snap.step:,})"
        if run.running:
            spec = live_charts.factor_spec(coords, labels, names, title, titled, title_px(True))
            live_chart(spec, "tr_live_items")
            return
        ids = idx.tolist()
        chart = st.container()  # the chart above its search box: the picture first
        found = _find_box(names, ids)
        fig = train_figures.factor_figure(
            coords,
            labels,
            names,
            ids,
            title,
            st.session_state.get("tr_item"),
            found=found,
            labelled=[ids[row] for row in titled],
            font_px=title_px(False),
        )
        with chart:
            plotly_chart(fig, key="tr_item_factors", on_select=_picked, selection_mode="points")
            shown = "every item" if whole_cloud() else f"the {len(ids)} most rated items"
            st.caption(
                f"Drawn: {shown}; the {TOP_ITEMS} most rated carry their titles where there "
                "is room (hover any point for its title). Click a point to pick it; click a "
                "genre in the legend to show it alone (again: all back)."
            )
        return
    n = min(limit, r.n_users)
    coords = _steady(run, "users", pca_2d(snap.user_factors[:n]))
    names = [f"user {u}" for u in r.user_ids[:n]]
    title = f"User factors, PCA to 2-D (step {snap.step:,})"
    if run.running:
        live_chart(live_charts.factor_spec(coords, ["user"] * n, names, title), "tr_live_users")
    else:
        fig = train_figures.factor_figure(coords, ["user"] * n, names, list(range(n)), title)
        plotly_chart(fig, key="tr_user_factors")
