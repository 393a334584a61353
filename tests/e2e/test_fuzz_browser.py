"""Click spam in a real browser: Train, Stop, Resume, Reset and the sidebar's boxes, 0.05 s
apart, during runs, on a server of its own; then its log must hold no exception."""

import contextlib
import random
import time

import pytest

from bench.browser import streamlit_server
from tests.e2e.conftest import ROOT, main_block, wait_idle

pytestmark = pytest.mark.e2e

ROUNDS, CLICKS = 2, 40


def test_random_clicks_leave_no_exception_in_the_server_log(browser):
    log = ROOT / "tests" / "e2e" / "fuzz_server.log"
    rng = random.Random(7)
    with streamlit_server(log) as url:
        ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = ctx.new_page()
        page.set_default_timeout(60_000)
        page.goto(url + "/train?device=cpu&epochs=300&batch_size=64")
        main = main_block(page)
        main.get_by_role("button", name="Train", exact=True).wait_for()
        sidebar = page.get_by_test_id("stSidebar")
        targets = [main.get_by_role("button", name=n, exact=True) for n in ("Train", "Stop")]
        targets += [main.get_by_role("button", name=n, exact=True) for n in ("Resume", "Reset")]
        boxes = sidebar.get_by_test_id("stNumberInput")
        for _ in range(ROUNDS):
            for _ in range(CLICKS):
                if rng.random() < 0.7:
                    target = rng.choice(targets)
                else:  # a sidebar edit: + or - on one of the first boxes
                    box = boxes.nth(rng.randrange(3))
                    target = box.get_by_role("button", name=rng.choice(["Increment", "Decrement"]))
                with contextlib.suppress(Exception):  # disabled, or redrawn under the mouse
                    target.click(timeout=250, no_wait_after=True)
                time.sleep(0.05)
            wait_idle(page, timeout=120)
        ctx.close()
    text = log.read_text()
    assert "Traceback" not in text and "Exception" not in text, text[-3000:]
