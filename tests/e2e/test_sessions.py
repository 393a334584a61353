"""A server a class shares, in a real browser: the cap holds, a closed tab's worker ends."""

import re
import time

import pytest

from bench.browser import streamlit_server, training_workers
from tests.e2e.conftest import ROOT, main_block

pytestmark = pytest.mark.e2e
LONG = "/train?epochs=1000&batch_size=4&device=cpu"  # minutes: it only ends if made to
# any epoch: the first one can be over (about a second) before the page's first redraw
TRAINING = re.compile(r"epoch \d+/1000")


def until(cond, timeout: float = 60, what: str = "") -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture(scope="module")
def class_server():
    """One worker at a time, and a closed tab's session dropped after 2 s (Streamlit's TTL)."""
    with streamlit_server(
        ROOT / "tests" / "e2e" / "server-sessions.log",
        args=("--server.disconnectedSessionTTL", "2"),
        env={"EXPLORER_MAX_WORKERS": "1"},
        with_pid=True,
    ) as served:
        yield served


def open_and_train(browser, url):
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = ctx.new_page()
    pg.set_default_timeout(60_000)
    pg.goto(url + LONG)
    main_block(pg).get_by_role("button", name="Train", exact=True).click()
    return ctx, pg


def test_past_the_cap_a_tab_waits_and_a_closed_tab_frees_its_worker(class_server, browser):
    url, pid = class_server
    first, first_page = open_and_train(browser, url)
    main_block(first_page).get_by_text(TRAINING).first.wait_for()
    until(lambda: len(training_workers(pid)) == 1, what="the first worker")
    second, second_page = open_and_train(browser, url)
    main_block(second_page).get_by_text("you are next", exact=False).wait_for()
    assert len(training_workers(pid)) == 1  # never more workers than the cap
    first.close()  # the tab closes mid-run, without Stop
    # its session is dropped (TTL 2 s), its worker ends, and the waiting run starts
    main_block(second_page).get_by_text(TRAINING).first.wait_for(timeout=90_000)
    until(lambda: len(training_workers(pid)) == 1, what="the second worker alone")
    second.close()
    until(lambda: training_workers(pid) == [], timeout=90, what="no worker left")
