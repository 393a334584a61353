"""Warm the server up when it starts, not when its first visitor arrives.

A fresh server's first page run imported torch, pandas, plotly and the pages (3.8 s of one
core here, against 0.24 s for the next session) and started the training worker's fork
server: the first visitor waited for all of it. `streamlit run app.py` finds the `st.App` in
app.py and runs this as its lifespan: a thread starts the same work as the server starts,
so the first visitor finds most or all of it done (bench/page_speed.py measures both).
The thread never raises: a failure here only leaves the work to the first visit.
"""

from __future__ import annotations

import contextlib
import importlib
import threading
import traceback

PAGES = ("explorer.ui.lookup.page", "explorer.ui.train.page")


def warm() -> None:
    """Import the pages, make one small figure and one torch op (plotly and torch fill their
    lazy caches on first use), and start the training worker's fork server."""
    try:
        for name in PAGES:
            importlib.import_module(name)
        import torch

        from explorer.train.worker.worker import warm_up
        from explorer.view import figures, heatmaps

        torch.set_num_threads(1)  # as the Train page's prepare() sets it for the server
        heatmaps.heatmap_spec(torch.eye(3), "warm", "x", "y")
        figures.histogram_figure(torch.tensor([1.0, 2.0])).to_plotly_json()
        warm_up()
    except Exception:  # the first visit does it instead
        traceback.print_exc()


@contextlib.asynccontextmanager
async def lifespan(app):
    """st.App's lifespan: start warming, and serve at once."""
    threading.Thread(target=warm, daemon=True, name="explorer-warm").start()
    yield None
