"""Helpers for AppTests of the Train page (not a test module: test modules import this)."""

import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

PAGE = """
import streamlit as st
st.set_page_config(layout="wide")
from explorer.ui.train import page as train_page
train_page.render()
"""


def page() -> AppTest:
    at = AppTest.from_string(PAGE, default_timeout=60)
    at.query_params["device"] = "cpu"  # the same run on a machine with a GPU
    at.run()
    assert not at.exception
    return at


def poll(at: AppTest, cond, timeout: float = 60.0) -> AppTest:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        at.run()
        assert not at.exception, at.exception
        if cond(at):
            return at
        time.sleep(0.2)
    raise AssertionError("the page never reached the expected state")


def finished(at) -> bool:
    return any("Finished" in s.value for s in at.success)


APP = Path(__file__).parents[2] / "app.py"


def app_with(query: dict) -> AppTest:
    """The whole app (the router, the Lookup page first) opened on a link's query."""
    app = AppTest.from_file(str(APP), default_timeout=60)
    for k, v in query.items():
        app.query_params[k] = v
    app.run()
    assert not app.exception
    return app
