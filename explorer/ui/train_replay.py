"""The Train page's replay: the run as a movie, after it ends and while it is stopped.

A timeline to drag, Play at a chosen speed: the factor plot, a cursor on the loss, RMSE and
recovery curves, and the score in the plot's title move together, in the browser
(replay.js). The frame a user stops on is written into the link (`frame=`).
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from explorer.train.runner import RunView, TrainingRun
from explorer.ui.live_chart import _CSS, _SHARED
from explorer.view import live_charts
from explorer.view.links import from_query
from explorer.view.replay import ReplayChoice, frame_problem, payload

_HERE = Path(__file__).parent
_REPLAY_CSS = """
.replay-bar { display: flex; flex-wrap: wrap; align-items: center; gap: 10px; margin: 4px 0 8px; }
.replay-bar button, .replay-bar select {
  font: 15px "Source Sans", "Source Sans Pro", sans-serif; padding: 4px 12px;
  border: 1px solid #d5d7de; border-radius: 6px; background: #fff; color: #31333f;
}
.replay-play { min-width: 96px; cursor: pointer; }
.replay-timeline { flex: 1 1 240px; min-width: 160px; accent-color: #0072B2; }
.replay-label, .replay-speed { font: 14px "Source Sans", "Source Sans Pro", sans-serif;
  color: #31333f; }
.replay-grid { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 12px; }
@media (max-width: 760px) { .replay-grid { grid-template-columns: minmax(0, 1fr); } }
"""
_JS = "\n".join((_HERE / name).read_text() for name in (*_SHARED, "replay.js"))
_component = st.components.v2.component("replay", js=_JS, css=_CSS + _REPLAY_CSS)
FRAME_KEY = "tr_frame"  # the frame the user stopped on: None (the last) or an index


def link_frame() -> int | None:
    """The frame the link asks for, checked against the table (reported once if bad)."""
    if "_tr_frame_link" not in st.session_state:
        choice, problems = from_query(ReplayChoice, st.query_params.to_dict())
        st.session_state["_tr_frame_link"] = choice.frame
        st.session_state[FRAME_KEY] = choice.frame
        for p in problems:
            st.warning(f"{p}; the replay starts at the last frame.")
    return st.session_state.get(FRAME_KEY)


def _moved() -> None:
    state = st.session_state.get("tr_replay") or {}
    frame = state.get("frame") if hasattr(state, "get") else getattr(state, "frame", None)
    if isinstance(frame, int | float) and not isinstance(frame, bool):
        st.session_state[FRAME_KEY] = int(frame)


def _curves(run: TrainingRun, v: RunView) -> dict:
    base = run.plan.baselines
    epoch_steps = [e.epoch * run.plan.steps_per_epoch for e in v.epochs]
    flat = {"global mean": base.global_mean.rmse, "biases only": base.biases.rmse}
    loss = live_charts.loss_spec(v.steps, v.losses, 400, v.smoothed)
    rmse = live_charts.rmse_spec(epoch_steps, [e.valid.rmse for e in v.epochs], flat)
    return {"loss": loss, "rmse": rmse}


def replay_section(run: TrainingRun, v: RunView, which: str, labels, names) -> None:
    """The player, for a run that has stopped or ended with at least two frames."""
    replay = v.replay
    if replay is None or len(replay) < 2:
        return
    st.subheader("Replay the run")
    st.caption(
        "Drag the timeline or press Play: the whole run plays in about 10 s at 1×. Every "
        "frame is drawn on the last frame's two principal axes, so the cloud holds still and "
        "grows out of the random start into what the model learned; the cursor on the curves "
        "marks the frame. The link keeps the frame you stop on."
    )
    frame = link_frame()
    problem = frame_problem(frame, replay)
    if problem:
        st.warning(problem + ".")
        frame = None
    data = payload(replay, which, labels, names, _curves(run, v))
    data["frame"] = frame
    _component(data=data, key="tr_replay", default={"frame": frame}, on_frame_change=_moved)
