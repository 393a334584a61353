"""The Train page's buttons (Train, Stop, Resume, Reset) and what each click does, under the
session's lock."""

from __future__ import annotations

import dataclasses

import streamlit as st

from explorer.train.config import TrainConfig
from explorer.train.worker.runner import TrainingRun
from explorer.ui.train import replay as train_replay
from explorer.ui.train.session import (
    RUN_KEY,
    replace_run,
    session_lock,
    watch_this_session,
    worker_slots,
)
from explorer.ui.widgets import config_key, show_error

P = "tr_"


def train(ratings, config: TrainConfig) -> None:
    with session_lock():
        try:
            new = TrainingRun(ratings, config, slots=worker_slots())
        except ValueError as err:
            st.session_state["tr_error"] = str(err)
            return
        replace_run(new)
        watch_this_session(new)
        _start(new)


def _start(run: TrainingRun) -> None:
    try:
        run.start()
    except ValueError as err:  # its worker would not fit in the server's memory
        st.session_state["tr_error"] = str(err)


def _train_pressed(ratings, config: TrainConfig) -> None:
    st.session_state[train_replay.FRAME_KEY] = None  # a new run's replay opens on its end
    train(ratings, config)


def train_twin(ratings, config: TrainConfig, model: str) -> None:
    """The same run with the model's twin (nn.Embedding <-> one-hot x nn.Linear); the
    sidebar and the link follow."""
    new = dataclasses.replace(config, model=model)
    st.session_state[P + "model"] = model
    st.session_state[config_key(P)] = new
    _train_pressed(ratings, new)


def _stop() -> None:
    with session_lock():
        run = st.session_state.get(RUN_KEY)
        if run is not None:
            run.stop()  # asks; the live view shows the stop when the worker has made it


def _resume() -> None:
    with session_lock():
        run = st.session_state.get(RUN_KEY)
        if run is not None:
            _start(run)


def _reset() -> None:
    with session_lock():
        replace_run(None)


def buttons(ratings, config: TrainConfig) -> bool:
    """Train, Stop, Resume, Reset. Callbacks act before the page is drawn, so each button's
    enabled state below already reflects the click. Returns whether they were drawn for a
    running run (the live section redraws the page if that has changed since)."""
    run: TrainingRun | None = st.session_state.get(RUN_KEY)
    running = run is not None and run.running
    resumable = run is not None and run.resumable
    c = st.columns([1, 1, 1, 4])
    c[0].button(
        "Train",
        type="primary",
        disabled=running,
        key="tr_train",
        on_click=_train_pressed,
        args=(ratings, config),
        help="Start a new run with these settings.",
    )
    c[1].button(
        "Stop",
        disabled=not running,
        key="tr_stop",
        on_click=_stop,
        help="Pause after the current step.",
    )
    c[2].button(
        "Resume",
        disabled=not resumable,
        key="tr_resume",
        on_click=_resume,
        help="Go on from where it stopped.",
    )
    c[3].button("Reset", key="tr_reset", on_click=_reset, help="Forget the run and its model.")
    error = st.session_state.pop("tr_error", None)  # one step: a fast rerun may pop it first
    if error:
        show_error(ValueError(error))
    return running
