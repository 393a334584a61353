"""The Train page's live view: progress, loss curves and factor plots, redrawn while training.

Training runs in the TrainingRun's worker process; this fragment only reads `run.view()`, so
the rest of the page stays usable and a widget change never interrupts the run. While the run
trains, the charts are canvases (`live_chart`), cheap enough to redraw with every progress
update; once it stops or ends they are plotly charts with hover, zoom and click.
"""

from __future__ import annotations

import streamlit as st

from explorer.train.worker.runner import RunView, TrainingRun
from explorer.ui.charts.components import live_chart, plotly_chart
from explorer.ui.train import replay as train_replay
from explorer.ui.train.factors import (
    TOP_ITEMS,
    WHOLE_KEY,
    by_popularity,
    factor_plot,
    title_px,
    whole_cloud,
)
from explorer.ui.train.session import earlier_runs
from explorer.view import live_charts, train_figures

LIVE_LOSS_POINTS = 300  # points of each loss curve while training
LIVE_S = 0.35  # the live view redraws progress and charts together, ~2.9 times a second:
# at least twice a second (the e2e test), and each rerun costs the browser CPU that the
# training worker shares on a small machine (bench/live_overhead.py)


def progress_text(v: RunView, epochs: int) -> str:
    """'epoch 2/5 · step 300/1565 · 512,000 ratings/s · 0.4 s left', as the page shows it."""
    parts = [
        f"epoch {min(v.epoch + 1, epochs)}/{epochs}",
        f"step {v.global_step:,}/{v.total_steps:,}",
    ]
    if v.ratings_per_s:
        parts.append(f"{v.ratings_per_s:,.0f} ratings/s")
    if v.seconds_left is not None:
        parts.append(f"{v.seconds_left:.1f} s left")
    return " · ".join(parts)


def _status(v: RunView) -> None:
    if v.status == "diverged":
        st.error(v.message, icon="⚠️")
    elif v.status == "failed":
        st.error(v.message + " Press Reset, check the settings, and train again.", icon="⚠️")
    elif v.status == "stopped":
        st.warning(v.message)
    elif v.status == "queued":
        st.info(v.message, icon="⏳")
    elif v.status == "running" and v.message != "Training...":
        st.caption(v.message)  # "Stopping after this step..."
    elif v.status == "finished":
        st.success(f"{v.message} Training took {v.train_seconds:.1f} s.")


def _replay(run: TrainingRun, v: RunView, which: str) -> None:
    """The replay of a run that stopped or ended, with the factor plot's labels and names."""
    if v.replay is None:
        return
    r = run.ratings
    rows, titled = None, []
    if which == "items":
        idx = v.replay.item_idx
        if not whole_cloud():  # the same choice as the plot above: the most rated, titled
            rows = sorted(by_popularity(r, idx))  # of the kept frames' points
            idx = [idx[row] for row in rows]
            titled = by_popularity(r, idx)  # of those, the most rated first
        labels = [r.item_genres[i] for i in idx] if r.item_genres else ["item"] * len(idx)
        names = [r.title(i) for i in idx]
    else:
        labels = ["user"] * len(v.replay.user_idx)
        names = [f"user {r.user_ids[u]}" for u in v.replay.user_idx]
    train_replay.replay_section(run, v, which, labels, names, rows, titled, title_px(True))


def draw_progress(run: TrainingRun, v: RunView) -> None:
    """The progress bar and the run's status."""
    st.progress(min(1.0, v.progress), text=progress_text(v, run.config.epochs))
    _status(v)


def _loss(run: TrainingRun, v: RunView) -> None:
    """The loss per batch: a canvas while training, plotly after; earlier runs faint."""
    faint = [(f"run {r.number}", r.steps, r.smoothed) for r in earlier_runs()]
    if run.running:
        spec = live_charts.loss_spec(v.steps, v.losses, LIVE_LOSS_POINTS, v.smoothed, faint)
        live_chart(spec, "tr_live_loss")
    else:
        fig = train_figures.loss_figure(v.steps, v.losses, 2000, v.smoothed, faint)
        plotly_chart(fig, key="tr_loss")


def _rmse(run: TrainingRun, v: RunView) -> None:
    """The validation RMSE per epoch against the baselines; earlier runs faint."""
    base = run.plan.baselines
    epoch_steps = [e.epoch * run.plan.steps_per_epoch for e in v.epochs]
    rmse = [e.valid.rmse for e in v.epochs]
    flat = {"global mean": base.global_mean.rmse, "biases only": base.biases.rmse}
    faint = [(f"run {r.number}", r.epoch_steps, r.valid_rmse) for r in earlier_runs()]
    if run.running:
        live_chart(live_charts.rmse_spec(epoch_steps, rmse, flat, faint), "tr_live_rmse")
    else:
        plotly_chart(train_figures.rmse_figure(epoch_steps, rmse, flat, faint), key="tr_rmse")


def _curves(run: TrainingRun, v: RunView) -> None:
    """Loss and validation RMSE side by side: canvases while training, plotly after."""
    left, right = st.columns(2)
    with left:
        _loss(run, v)
    with right:
        _rmse(run, v)


def _recovery(run: TrainingRun, v: RunView) -> None:
    """The planted-genre recovery and the final metrics (the numbers ride in the live
    charts' titles while training: fewer elements to redraw)."""
    if run.running:
        if v.planted:
            live_chart(live_charts.planted_spec(v.planted), "tr_live_planted")
        return
    if v.planted:
        st.metric(
            "Planted genres recovered (held-out R²)",
            f"{v.planted[-1][1]:.2f}",
            delta=f"{v.planted[-1][1] - v.planted[0][1]:+.2f} since the start",
            help="How much of the planted item factors a linear map of the learned ones "
            "explains, fitted on half of the items and scored on the other half: 1.0 means "
            f"the model found the genres. At the start it was {v.planted[0][1]:.2f}.",
        )
        plotly_chart(train_figures.planted_figure(v.planted), key="tr_planted")
    _metrics(run, v)


def draw_charts(run: TrainingRun, v: RunView, stage: bool = False) -> None:
    """The curves, the factor plot and the planted-genre recovery. On stage (presenting):
    the loss beside the factor plot first, one screen's height, then the RMSE and the rest."""
    if not v.steps:
        st.caption("The first steps are on their way...")  # no empty charts to lay out
        return
    which = "users" if st.session_state.get("tr_show_users") else "items"
    if stage:
        left, right = st.columns(2)
        with left:
            _loss(run, v)
        with right:
            factor_plot(run, v, which)
        left, right = st.columns(2)
        with left:
            _rmse(run, v)
        with right:
            _recovery(run, v)
    else:
        _curves(run, v)
        left, right = st.columns([3, 2])
        with left:
            factor_plot(run, v, which)
        with right:
            _recovery(run, v)
    if not run.running:
        _replay(run, v, which)


def _metrics(run: TrainingRun, v: RunView) -> None:
    if v.epochs:
        last, base = v.epochs[-1], run.plan.baselines
        st.metric(
            "Validation RMSE",
            f"{last.valid.rmse:.4f}",
            delta=f"{last.valid.rmse - base.biases.rmse:+.4f} vs biases only",
            delta_color="inverse",
        )


@st.fragment(run_every=LIVE_S)
def _live(run: TrainingRun, draw_plots: bool, stage: bool) -> None:
    v = run.view()  # one consistent moment for the text and the charts
    draw_progress(run, v)
    if not run.running:
        st.rerun(scope="app")  # the run ended: redraw the whole page with the results
    if draw_plots:
        draw_charts(run, v, stage)


def view_toggles() -> None:
    """What the live view draws; shown with the buttons, before and during a run."""
    c1, c2, c3 = st.columns(3)
    c1.toggle("Show user factors instead of items", key="tr_show_users")
    c3.toggle(
        "Whole cloud",
        key=WHOLE_KEY,
        help=f"Every item, not only the {TOP_ITEMS} most rated with their titles (hover a point "
        "for its title). The live plot, the finished plot and the replay follow it.",
    )
    c2.toggle(
        "Draw the plots while training",
        value=True,
        key="tr_live_plots",
        help="The live charts are light canvases, but each redraw still costs the browser "
        "some CPU that training could use: turn this off and the plots are drawn once the "
        "run stops or ends.",
    )


def live_section(run: TrainingRun, buttons_saw_running: bool, stage: bool = False) -> None:
    """Redraw progress and charts together while the run trains; once when it does not.

    buttons_saw_running: whether the buttons above were drawn for a running run. A run that
    stopped or ended since (a Stop takes effect within a few steps, sooner than a page run
    on a slow server) has left them stale: Resume disabled under "Stopped: press Resume", and
    no live fragment left to redraw them. The page is then drawn again, once."""
    if run.running:
        _live(run, st.session_state.get("tr_live_plots", True), stage)
    else:
        if buttons_saw_running:
            st.rerun(scope="app")
        v = run.view()
        draw_progress(run, v)
        draw_charts(run, v, stage)
