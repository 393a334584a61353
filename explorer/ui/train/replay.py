"""The Train page's replay: the run as a movie, after it ends and while it is stopped.

A timeline to drag, Play at a chosen speed: the factor plot, a cursor on the loss, RMSE and
recovery curves, and the score in the plot's title move together, in the browser
(replay.js). The frame a user stops on is written into the link (`frame=`).
"""

from __future__ import annotations

import streamlit as st

from explorer.train.worker.runner import RunView, TrainingRun
from explorer.ui.charts.components import replay_player
from explorer.view import live_charts
from explorer.view.links import from_query
from explorer.view.replay import ReplayChoice, frame_problem, payload

FRAME_KEY = "tr_frame"  # the frame the user stopped on: None (the last) or an index
PAYLOAD_KEY = "_tr_replay_payload"  # (the replay, the choice, its payload)


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


def replay_section(
    run: TrainingRun,
    v: RunView,
    which: str,
    labels,
    names,
    rows=None,
    titled=(),
    font_px: float = 12,
) -> None:
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
    # made once a replay and choice, not at every rerun of the page (each frame's titles are
    # placed anew: 0.2 s for 200 frames); the replay itself is in the key, so it stays alive
    key = (which, tuple(rows or ()), tuple(titled), font_px, tuple(names))
    kept = st.session_state.get(PAYLOAD_KEY)
    if kept is None or kept[0] is not replay or kept[1] != key:
        made = payload(replay, which, labels, names, _curves(run, v), rows, titled, font_px)
        kept = (replay, key, made)
        st.session_state[PAYLOAD_KEY] = kept
    data = {**kept[2], "frame": frame}
    replay_player(data, key="tr_replay", frame=frame, on_frame_change=_moved)
