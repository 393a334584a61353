"""AppTest of the live section on its own: a run whose state changed while the page was drawn."""

import pytest
from streamlit.testing.v1 import AppTest

SECTION = """
import streamlit as st
from explorer.data.synthetic import synthetic_ratings
from explorer.train.config import TrainConfig
from explorer.train.worker.runner import TrainingRun
from explorer.ui.train import live as train_live

if "run" not in st.session_state:  # a real run, trained to its end before the first page
    run = TrainingRun(
        synthetic_ratings(3000, n_users=80, n_items=100, seed=1),
        TrainConfig(epochs=1, device="cpu"),
    )
    run.start()
    run.join(120)
    st.session_state.run, st.session_state.pages = run, 0
st.session_state.pages += 1
# the buttons of the first page were drawn while the run still trained (STALE), or not
saw_running = STALE and st.session_state.pages == 1
train_live.live_section(st.session_state.run, buttons_saw_running=saw_running)
"""


@pytest.mark.parametrize("stale", [True, False])
def test_a_run_that_ended_while_the_page_was_drawn_redraws_the_page_once(stale):
    # Seen in the browser test on a slow server: Stop took effect after the buttons were
    # drawn (Resume disabled) and before the live section (no fragment), so "Stopped: press
    # Resume" stood above a disabled Resume for good. Now the page is drawn again, once.
    at = AppTest.from_string(SECTION.replace("STALE", str(stale)), default_timeout=120).run()
    try:
        assert not at.exception, at.exception
        assert not at.session_state.run.running
        assert at.session_state.pages == (2 if stale else 1)
        assert any("Finished" in s.value for s in at.success)  # and it was drawn
    finally:
        at.session_state.run.close()
