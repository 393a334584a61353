"""Loading the Train page's data: shared caches, the session's data, and the link's choice.

Loading replaces the session's data only when it succeeds: a bad file or path shows its
message and leaves the loaded data, and any trained model, as they were.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import streamlit as st

from explorer.data.choice import DataChoice
from explorer.data.download import find_ml100k
from explorer.data.movielens import ratings_bytes, read_movielens
from explorer.data.paths import allowed_path
from explorer.data.ratings import Ratings
from explorer.data.synthetic import default_sizes, synthetic_ratings
from explorer.train.config import TrainConfig, y_range_for
from explorer.train.loop.plan import DataSizes, check_before_building
from explorer.ui.train.session import HISTORY_KEY, replace_run, session_lock, worker_slots
from explorer.ui.widgets import config_key, show_error, stored_config
from explorer.view.links import from_query

DATA_KEY = "tr_data"
CHOICE_KEY = "tr_data_choice"  # the data as the link holds it (DataChoice)
CONFIG_KEY = config_key("tr_")  # the Train page's stored TrainConfig
# The server's memory while it builds or reads a set, measured (RSS growth at its peak):
# 70 bytes a synthetic rating; 10 bytes a byte of MovieLens 100k's u.data, pandas included.
SYNTHETIC_BYTES = 80  # a rating
READ_BYTES = 10  # a byte of the file


@st.cache_resource(show_spinner="Generating ratings...", max_entries=3)  # shared, not copied
def synthetic_set(n_ratings: int, n_genres: int, seed: int) -> Ratings:
    """Built once a server, if it fits in the server's memory (a cached set counts there)."""
    worker_slots().check_room(SYNTHETIC_BYTES * n_ratings, f"A {n_ratings:,}-rating set")
    return synthetic_ratings(n_ratings, n_genres=n_genres, seed=seed)


@st.cache_resource(show_spinner="Reading MovieLens...", max_entries=3)
def _movielens(path: str, split: str | None, mtime: float) -> Ratings:
    """Read once a server and file version, if it fits in the server's memory."""
    need = READ_BYTES * ratings_bytes(path)
    worker_slots().check_room(need, f"Reading {Path(path).name}")
    return read_movielens(Path(path), split)


def set_data(ratings: Ratings, from_link: bool = False) -> None:
    """Replace the session's data; a model trained on the old data goes with it."""
    with session_lock():
        st.session_state[DATA_KEY] = ratings
        replace_run(None)
        st.session_state.pop(HISTORY_KEY, None)  # runs on other data do not compare
        _follow_scale(ratings, from_link)


def _follow_scale(ratings: Ratings, from_link: bool = False) -> None:
    """y_range follows the new data's scale (the book's rule, any scale), unless it is off, or
    a link that names this data names its y_range too: the link's settings are the run's.

    On a link's first visit the page's config is not made yet: it is made here, from the link,
    so the data a link names gets the y_range its door (folder, zip, upload, command line)
    gives it, not the default (0, 5.5)."""
    config = st.session_state.get(CONFIG_KEY) or stored_config("tr_", TrainConfig)
    if from_link and "y_range" in st.query_params:
        return
    if config.y_range is None:
        return
    low, high = y_range_for(*ratings.rating_range)
    st.session_state[CONFIG_KEY] = dataclasses.replace(config, y_range=(low, high))
    st.session_state["tr_y_range_low"], st.session_state["tr_y_range_high"] = low, high


def current_data() -> Ratings:
    """The session's data; the built-in set on the first visit."""
    if DATA_KEY not in st.session_state:
        d = DataChoice()  # the link's defaults are the built-in set's
        st.session_state[DATA_KEY] = synthetic_set(d.n_ratings, d.genres, d.data_seed)
    return st.session_state[DATA_KEY]


def affordable(choice: DataChoice) -> bool:
    """Whether a synthetic set can be trained on with this session's settings, checked from
    its sizes before it is built (a 10-million-rating link once took the server 42 s and
    600 MB before the run's budget refused it). Says why not, in the page."""
    n_users, n_items = default_sizes(choice.n_ratings)
    config = st.session_state.get(CONFIG_KEY) or stored_config("tr_", TrainConfig)
    try:
        check_before_building(DataSizes(choice.n_ratings, n_users, n_items), config)
    except ValueError as err:
        show_error(ValueError(f"The {choice.n_ratings:,}-rating set was not built: {err}"))
        st.caption("The data and model loaded before are unchanged.")
        return False
    return True


def load(make, choice: DataChoice, from_link: bool = False) -> bool:
    try:
        ratings = make()
    except (ValueError, RuntimeError, OSError) as err:
        show_error(err)
        st.caption("The data and model loaded before are unchanged.")
        return False
    set_data(ratings, from_link)
    st.session_state[CHOICE_KEY] = choice  # the link holds it from now on
    st.success(f"Loaded {ratings.source}: {len(ratings):,} ratings.")
    return True


def data_choice() -> DataChoice:
    """What the session's data is, as the link says it."""
    return st.session_state.get(CHOICE_KEY, DataChoice())


def apply_link() -> None:
    """On a session's first visit, load the data the link names (checked like its widgets)."""
    if CHOICE_KEY in st.session_state:
        return
    choice, problems = from_query(DataChoice, st.query_params.to_dict())
    st.session_state[CHOICE_KEY] = DataChoice()
    for problem in problems:
        st.warning(f"{problem}; the default was used.")
    why = choice.split_problem()
    if why:
        st.warning(f"split={choice.split!r} in the link: {why}; the split was not used.")
        choice = dataclasses.replace(choice, split="")
    split = choice.split or None
    if choice == DataChoice():
        return
    if not _load_linked(choice, split) and st.query_params.get("train") == "1":
        st.session_state["tr_link_train"] = False  # never train other data than the link's
        st.warning("The link's train=1 was not carried out: the data it names is not loaded.")


def _load_linked(choice: DataChoice, split: str | None) -> bool:
    """Load the data a link names; whether it was loaded."""
    if choice.data == "synthetic":
        return affordable(choice) and load(
            lambda: synthetic_set(choice.n_ratings, choice.genres, choice.data_seed), choice, True
        )
    if choice.data == "ml-100k":
        found = find_ml100k()
        if found is None:
            st.warning(
                "The link asks for MovieLens 100k, which this server has not downloaded "
                "yet: open Data below and press Download."
            )
            return False
        return load(lambda: ml_path(found, split), choice, True)
    if choice.data == "folder":
        return load(lambda: ml_path(allowed_path(choice.path), None), choice, True)
    st.info(
        "The link was made on an uploaded file, which cannot travel in a link: "
        "upload it again below (Data, Upload a CSV)."
    )
    return False


def ml_path(path: Path, split: str | None) -> Ratings:
    mtime = path.stat().st_mtime if path.exists() else 0.0  # a changed file is read again
    return _movielens(str(path), split, mtime)
