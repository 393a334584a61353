"""The Train page: the book's DotProduct model learning live, then what it learned."""

from __future__ import annotations

import dataclasses
import threading

import streamlit as st
import torch

from explorer.train.devices import available_devices
from explorer.train.models import INITS, MODELS
from explorer.train.runner import TrainingRun, warm_up
from explorer.train.trainer import OPTIMIZERS, SCHEDULES, TrainConfig
from explorer.ui import train_live, train_results
from explorer.ui.train_data import data_section
from explorer.ui.widgets import keep_config, seed_widget, show_error, stored_config

P = "tr_"
RUN_KEY = "tr_run"

INTRO = """
Train the book's collaborative-filtering model (fastbook, chapter 8): each user and each
item gets an embedding, a prediction is their dot product (plus a user and an item bias in
`DotProductBias`), squeezed into `y_range` by a sigmoid. Press **Train** and watch the loss
fall and the items of one genre drift together.
"""


def _controls(config: TrainConfig, has_official: bool) -> TrainConfig:
    """Sidebar widgets seeded from the stored config; returns the config they now say."""
    values = dataclasses.asdict(config)
    low, high = config.y_range or (0.0, 5.5)
    values |= {"y_on": config.y_range is not None, "y_low": low, "y_high": high}
    for name, value in values.items():
        seed_widget(P + name, value)
    sb = st.sidebar
    sb.header("Model")
    model = sb.selectbox(
        "Model",
        MODELS,
        key=P + "model",
        help="DotProduct: factors only. DotProductBias: plus a bias per user "
        "and per item, as the book's second model.",
    )
    n_factors = sb.number_input(
        "n_factors", 1, 1024, step=1, key=P + "n_factors", help="Numbers per user and per item."
    )
    y_on = sb.checkbox(
        "y_range (sigmoid_range)",
        key=P + "y_on",
        help="Squeeze predictions into (low, high); the book uses (0, 5.5).",
    )
    c1, c2 = sb.columns(2)
    y_low = c1.number_input("low", key=P + "y_low", disabled=not y_on, step=0.5)
    y_high = c2.number_input("high", key=P + "y_high", disabled=not y_on, step=0.5)
    init = sb.selectbox(
        "Init",
        list(INITS),
        key=P + "init",
        format_func=lambda k: k,
        help=" / ".join(f"{k}: {v}" for k, v in INITS.items()),
    )
    sb.header("Training")
    optimizer = sb.selectbox(
        "Optimizer",
        OPTIMIZERS,
        key=P + "optimizer",
        help="AdamW decays weights apart from the gradient, as fastai's "
        "wd; SparseAdam updates only the rows a batch touched.",
    )
    lr = sb.number_input(
        "Learning rate",
        1e-6,
        1000.0,
        key=P + "lr",
        format="%.4g",
        help="The peak rate of one-cycle, or the constant rate.",
    )
    schedule = sb.selectbox(
        "Schedule",
        SCHEDULES,
        key=P + "schedule",
        help="one_cycle: fastai's fit_one_cycle; constant: a fixed rate.",
    )
    wd = sb.number_input(
        "Weight decay (factors)",
        0.0,
        10.0,
        key=P + "wd",
        format="%.3g",
        help="Pulls factors towards zero: less overfitting.",
    )
    bias_wd = sb.number_input(
        "Weight decay (biases)",
        0.0,
        10.0,
        key=P + "bias_wd",
        value=None,
        format="%.3g",
        help="Empty: the same as the factors'. 0 fitted best on MovieLens.",
    )
    epochs = sb.number_input("Epochs", 1, 1000, key=P + "epochs", help="Passes over the data.")
    batch_size = sb.number_input(
        "Batch size", 1, 1_000_000, key=P + "batch_size", help="Ratings per step."
    )
    seed = sb.number_input(
        "Seed",
        0,
        2**31 - 1,
        key=P + "seed",
        help="Init, shuffling and the split: same seed, same run.",
    )
    official = False
    if has_official:
        official = sb.checkbox(
            "Use the official split",
            key=P + "official_split",
            help="The data's own test rows become the validation set.",
        )
    valid_pct = sb.slider(
        "Validation share",
        0.05,
        0.5,
        key=P + "valid_pct",
        step=0.05,
        disabled=official,
        help="Random share of ratings held out.",
    )
    devices = ["auto", *available_devices()]
    if values["device"] not in devices:
        st.session_state[P + "device"] = "auto"
    device = sb.selectbox(
        "Device", devices, key=P + "device", help="auto: cuda, then mps, then cpu."
    )
    threads = sb.number_input(
        "CPU threads", 1, 64, key=P + "threads", help="One is steadiest on a small shared machine."
    )
    return TrainConfig(
        model=model,
        n_factors=int(n_factors),
        y_range=(float(y_low), float(y_high)) if y_on else None,
        init=init,
        epochs=int(epochs),
        batch_size=int(batch_size),
        lr=float(lr),
        schedule=schedule,
        optimizer=optimizer,
        wd=float(wd),
        bias_wd=None if bias_wd is None else float(bias_wd),
        seed=int(seed),
        device=device,
        threads=int(threads),
        valid_pct=float(valid_pct),
        official_split=official,
        snapshot_every=config.snapshot_every,
        log_every=config.log_every,
        fast_step=config.fast_step,
    )


def _train(ratings, config: TrainConfig) -> None:
    try:
        new = TrainingRun(ratings, config)
    except ValueError as err:
        st.session_state["tr_error"] = str(err)
        return
    _reset()
    st.session_state[RUN_KEY] = new
    new.start()


def _stop() -> None:
    run = st.session_state.get(RUN_KEY)
    if run is not None:
        run.stop()
        run.join(5)


def _resume() -> None:
    run = st.session_state.get(RUN_KEY)
    if run is not None:
        run.start()


def _reset() -> None:
    run = st.session_state.pop(RUN_KEY, None)
    if run is not None:
        run.close()


def _buttons(ratings, config: TrainConfig) -> None:
    """Train, Stop, Resume, Reset. Callbacks act before the page is drawn, so each button's
    enabled state below already reflects the click."""
    run: TrainingRun | None = st.session_state.get(RUN_KEY)
    running = run is not None and run.running
    resumable = run is not None and not running and run.view().status == "stopped"
    c = st.columns([1, 1, 1, 4])
    c[0].button(
        "Train",
        type="primary",
        disabled=running,
        key="tr_train",
        on_click=_train,
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
    if "tr_error" in st.session_state:
        show_error(ValueError(st.session_state.pop("tr_error")))


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


def render() -> None:
    prepare()
    st.title("Train a DotProduct model")
    st.markdown(INTRO)
    ratings = data_section()
    config = stored_config(P, TrainConfig)
    config = _controls(config, ratings.is_valid is not None)
    if config.official_split and ratings.is_valid is None:
        config = dataclasses.replace(config, official_split=False)
    keep_config(P, config)
    try:
        config.check()
    except ValueError as err:
        show_error(err)
    _buttons(ratings, config)
    train_live.view_toggles()
    run: TrainingRun | None = st.session_state.get(RUN_KEY)
    if run is None:
        st.info(
            "Press **Train** to start. Settings are in the sidebar; the link in the "
            "address bar reproduces them."
        )
        return
    train_live.live_section(run)
    if not run.running:
        train_results.results_section(run)
