"""The server's memory ceiling (EXPLORER_MAX_SERVER_MB) holds on the page: data that would not
fit is not built, a run whose worker would not fit does not start, each said with the numbers,
and the session keeps what it had."""

from streamlit.testing.v1 import AppTest

from explorer import limits
from explorer.ui.train.session import RUN_KEY
from tests.ui.apptest import PAGE, page


def ceiling_above_now(monkeypatch, mb: int) -> None:
    """A ceiling `mb` above what this process (the AppTest's server) holds now."""
    monkeypatch.setenv("EXPLORER_MAX_SERVER_MB", str(limits.server_bytes() // 2**20 + mb))


def test_a_linked_set_past_the_servers_memory_is_not_built(monkeypatch):
    ceiling_above_now(monkeypatch, 40)  # a million ratings take about 70 MB to build
    at = AppTest.from_string(PAGE, default_timeout=60)
    at.query_params.update({"n_ratings": "1000000", "device": "cpu", "train": "1"})
    at.run()
    assert not at.exception
    errors = " ".join(e.value for e in at.error)
    assert "1,000,000-rating set would need about" in errors, errors
    assert "EXPLORER_MAX_SERVER_MB" in errors
    assert len(at.session_state["tr_data"]) == 20_000 and RUN_KEY not in at.session_state


def test_train_past_the_servers_memory_says_so_and_starts_nothing(monkeypatch):
    at = page()
    ceiling_above_now(monkeypatch, 20)  # the worker alone takes more
    at.button(key="tr_train").click().run()
    assert not at.exception
    errors = " ".join(e.value for e in at.error)
    assert "training worker would need about" in errors and "EXPLORER_MAX_SERVER_MB" in errors
    run = at.session_state[RUN_KEY]
    assert run.view().status == "ready" and not run.running and not run._worker.started
    monkeypatch.delenv("EXPLORER_MAX_SERVER_MB")  # the operator raises it: Train works
    at.button(key="tr_train").click().run()
    assert not at.exception and not at.error
    at.session_state[RUN_KEY].close()
