"""The presenting switch (present=1) and the factor plot's find box, in AppTest."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

from tests.ui.apptest import app_with

APP = Path(__file__).parents[2] / "app.py"


def _app(**query) -> AppTest:
    return app_with(query)


def _styles(app) -> str:
    return "\n".join(h.proto.body for h in app.get("html"))


def test_present_1_turns_the_switch_on_enlarges_the_type_and_stays_in_the_link():
    app = _app(present="1", n="12")
    assert app.sidebar.checkbox(key="present").value is True
    assert "html { font-size: 21px" in _styles(app)
    app.sidebar.number_input(key="lk_d").set_value(3).run()
    assert app.query_params["present"] == "1" and app.query_params["d"] == "3"
    assert app.query_params["n"] == "12"  # every setting still in the link
    app.sidebar.checkbox(key="present").uncheck().run()
    assert "present" not in app.query_params and "html { font-size" not in _styles(app)


def test_a_bad_present_value_is_named_and_the_page_is_not_presenting():
    app = _app(present="yes please")
    assert any("present='yes please'" in w.value for w in app.warning)
    assert app.sidebar.checkbox(key="present").value is False
