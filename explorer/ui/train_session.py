"""A session's training run: kept in st.session_state, its lifecycle under the session's lock,
its workers capped server-wide."""

from __future__ import annotations

import threading

import streamlit as st
from streamlit.runtime import Runtime
from streamlit.runtime.scriptrunner import get_script_run_ctx

from explorer import limits
from explorer.train.runner import TrainingRun
from explorer.train.slots import Slots

RUN_KEY = "tr_run"
LOCK_KEY = "tr_lock"


@st.cache_resource(show_spinner=False)
def worker_slots() -> Slots:
    """The server's one cap on training workers, shared by every session."""
    return Slots(limits.max_workers())


def session_lock() -> threading.RLock:
    """This session's lock on its run's lifecycle: with `runner.fastReruns`, a new script run
    can start while a callback of the old one is still going. First made by render(), before
    any button can be pressed (so two threads never make it at once)."""
    if LOCK_KEY not in st.session_state:
        st.session_state[LOCK_KEY] = threading.RLock()
    return st.session_state[LOCK_KEY]


def replace_run(new: TrainingRun | None) -> None:
    """Put a new run (or none) in the session; the old one's worker is told to end. Callers
    hold the session lock."""
    old = st.session_state.pop(RUN_KEY, None)
    if old is not None:
        old.close()  # never waits: a reaper thread ends the process
    if new is not None:
        st.session_state[RUN_KEY] = new


def watch_this_session(run: TrainingRun) -> None:
    """Tie the run to this browser session: when Streamlit drops the session (a closed tab,
    after `server.disconnectedSessionTTL`), the run ends with it."""
    ctx = get_script_run_ctx()
    if ctx is None or not Runtime.exists():  # bare mode, AppTest: no server to ask
        return
    runtime, session = Runtime.instance(), ctx.session_id
    run.watch_owner(
        lambda: runtime.is_active_session(session),
        float(st.get_option("server.disconnectedSessionTTL")),
    )
