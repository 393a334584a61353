"""A session's training run: kept in st.session_state, its lifecycle under the session's lock,
its workers capped server-wide."""

from __future__ import annotations

import threading

import streamlit as st
from streamlit.runtime import Runtime
from streamlit.runtime.scriptrunner import get_script_run_ctx

from explorer import limits
from explorer.train.worker.runner import RESULT_STATES, TrainingRun
from explorer.train.worker.slots import Slots
from explorer.view.runs import RunSummary, keep, summarize

RUN_KEY = "tr_run"
LOCK_KEY = "tr_lock"
HISTORY_KEY = "tr_earlier_runs"


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


def summary_of(run: TrainingRun, number: int) -> RunSummary | None:
    """The run's summary for the comparison, if it has results to compare."""
    view = run.view()
    if view.status not in RESULT_STATES or not view.epochs:
        return None
    return summarize(number, run.config, view, run.plan.steps_per_epoch)


def earlier_runs() -> list[RunSummary]:
    """This session's earlier runs on the current data, oldest first."""
    return st.session_state.get(HISTORY_KEY, [])


def replace_run(new: TrainingRun | None) -> None:
    """Put a new run (or none) in the session; the old one's worker is told to end, and its
    summary joins the earlier runs. Callers hold the session lock."""
    old = st.session_state.pop(RUN_KEY, None)
    if old is not None:
        summary = summary_of(old, len(earlier_runs()) + 1)
        if summary is not None:
            st.session_state[HISTORY_KEY] = keep(earlier_runs(), summary)
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
