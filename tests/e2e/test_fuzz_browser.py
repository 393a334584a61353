"""Click spam in a real browser: Train, Stop, Resume, Reset and the sidebar's boxes, 0.05 s
apart, during runs, on a server of its own; then its log must hold no exception
(bench/click_spam.py runs the same spam for 20 rounds)."""

import random

import pytest

from bench.browser import streamlit_server
from bench.click_spam import LINK, exceptions, spam
from tests.e2e.conftest import ROOT

pytestmark = pytest.mark.e2e


def test_random_clicks_leave_no_exception_in_the_server_log(browser):
    log = ROOT / "tests" / "e2e" / "fuzz_server.log"
    with streamlit_server(log) as url:
        ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = ctx.new_page()
        page.set_default_timeout(60_000)
        page.goto(url + LINK)
        spam(page, random.Random(7), rounds=1, clicks=50)
        ctx.close()
    text = log.read_text()
    assert not exceptions(text) and "Traceback" not in text, text[-3000:]
