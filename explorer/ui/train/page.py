"""The Train page: the book's DotProduct model learning live, then what it learned."""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import threading

import streamlit as st
import torch

from explorer.devices import available_devices, describe
from explorer.train.config import DOT_MODELS, TrainConfig, y_range_for
from explorer.train.worker.runner import RESULT_STATES, TrainingRun
from explorer.train.worker.worker import warm_up
from explorer.ui import intro
from explorer.ui.train import live as train_live
from explorer.ui.train import replay as train_replay
from explorer.ui.train import results as train_results
from explorer.ui.train.buttons import buttons, train, train_twin
from explorer.ui.train.data import data_section
from explorer.ui.train.loading import data_choice
from explorer.ui.train.runs import both_ways_button
from explorer.ui.train.session import (
    RUN_KEY,
    session_lock,
)
from explorer.ui.widgets import (
    PRESENT_KEY,
    keep_config,
    setting_widgets,
    show_error,
    stored_config,
)
from explorer.view.links import to_query

P = "tr_"


def _controls(config: TrainConfig, has_official: bool) -> TrainConfig:
    """Sidebar widgets, one a TrainConfig field (the settings table); returns their config."""
    devices = ["auto", *available_devices()]
    if config.device not in devices:
        st.warning(
            f"device={config.device} in the link: this server has no {config.device} device "
            f"(it has {', '.join(devices[1:])}), so the run trains on {devices[1]}."
        )
        config = dataclasses.replace(config, device="auto")
        st.session_state[P + "device"] = "auto"
    official = config.official_split and has_official
    special = {
        "device": {"choices": devices},
        "official_split": {"hidden": not has_official},
        "valid_pct": {"disabled": official},
    }
    return setting_widgets(st.sidebar, P, config, **special)


def _step_note(config: TrainConfig) -> None:
    """Say which step a model trains with when the fast ones cannot apply to it."""
    if config.model in DOT_MODELS or not (config.fast_step or config.row_updates):
        return
    st.caption(
        f"{config.model} trains with the plain torch step (autograd, torch's "
        f"{config.optimizer}): Closed-form gradients and AdamW on the touched rows are written "
        "for nn.Embedding tables and are not used here. To compare with DotProductBias, train "
        "it with both off (Advanced)."
    )


@st.cache_resource(show_spinner=False)
def prepare() -> bool:
    """Once per server process: start the training worker's fork server (it imports torch,
    seconds on a small machine) in the background, so the first Train starts at once; and
    give the server's own torch one thread."""
    # The page's torch work is small (a PCA of 400 x 50, the Lookup page's tables): a second
    # thread gains it nothing, and its OpenMP thread spinning after each call took CPU from
    # the training worker (server 8% of a core instead of 15%; bench/live_overhead.py).
    torch.set_num_threads(1)
    threading.Thread(target=warm_up, daemon=True).start()
    return True


def _scale_note(ratings, config: TrainConfig) -> None:
    """Say how y_range follows the data, and warn when ratings fall outside it."""
    lo, hi = ratings.rating_range
    rule = y_range_for(lo, hi)
    st.sidebar.caption(
        f"y_range follows the data: ratings from {lo:g} to {hi:g} give ({rule[0]:g}, "
        f"{rule[1]:g}), a quarter of the span below, an eighth above (the book's (0, 5.5) "
        "for 1-5 stars). Loading data sets it again."
    )
    if config.y_range is not None:
        low, high = config.y_range
        if float(ratings.ratings.min()) <= low or float(ratings.ratings.max()) >= high:
            st.warning(
                f"Some ratings lie outside y_range ({low:g}, {high:g}): sigmoid_range can never "
                f"predict them. Widen it to at least ({rule[0]:g}, {rule[1]:g}).",
                icon="⚠️",
            )


def render() -> None:
    prepare()
    session_lock()  # made now, before any callback can need it
    # Presenting, a stage: the buttons, the progress and the live loss beside the factor plot
    # on the first screen, what the room must see in one view; the text and the data follow.
    stage = bool(st.session_state.get(PRESENT_KEY))
    if stage:
        st.title(intro.TRAIN_TITLE)
    else:
        intro.train_intro()
    top = st.container()
    below = st.container() if stage else top
    with below:
        if stage:
            st.markdown(intro.INTRO)
        ratings = data_section()
    with top:
        _page(ratings, stage)


def _page(ratings, stage: bool) -> None:
    """Settings, buttons and the run, under the data."""
    config = stored_config(P, TrainConfig)
    config = _controls(config, ratings.is_valid is not None)
    if config.official_split and ratings.is_valid is None:
        config = dataclasses.replace(config, official_split=False)
    if "tr_link_train" not in st.session_state:  # a teacher's link: train=1 trains on open
        st.session_state["tr_link_train"] = st.query_params.get("train") == "1"
    extra = to_query(data_choice())
    frame = train_replay.link_frame()  # read before the link is written again
    if frame is not None:
        extra["frame"] = str(frame)
    if st.session_state["tr_link_train"]:
        extra["train"] = "1"
    keep_config(P, config, extra)
    _scale_note(ratings, config)
    try:
        config.check()
    except ValueError as err:
        show_error(err)
    first = st.session_state.pop("tr_link_train_pending", st.session_state["tr_link_train"])
    if first and RUN_KEY not in st.session_state:
        train(ratings, config)
    st.session_state["tr_link_train_pending"] = False  # once a session, on open
    buttons_saw_running = buttons(ratings, config)
    _step_note(config)
    with contextlib.suppress(ValueError):
        st.caption(f"Training runs on {describe(config.device)}.")
    train_live.view_toggles()
    run: TrainingRun | None = st.session_state.get(RUN_KEY)
    if run is None:
        st.info(
            "Press **Train** to start. Settings are in the sidebar; the link in the "
            "address bar reproduces them."
        )
        return
    train_live.live_section(run, buttons_saw_running, stage)
    if not run.running and run.view().status in RESULT_STATES:
        train_results.results_section(run)  # a failed run shows no "what it learned"
        both_ways_button(run, functools.partial(train_twin, ratings, config))
