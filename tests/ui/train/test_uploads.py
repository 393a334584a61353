"""Uploads that once broke a session: a rating past float32, and a second file judged with
the first file's column roles. Each gets a message; the data and the model stay as they were."""

import pytest

from explorer.ui.train.session import RUN_KEY
from tests.ui.apptest import finished, page, poll


def upload(at, data: bytes, name: str = "r.csv"):
    at.radio(key="tr_source").set_value("upload").run()
    at.file_uploader(key="tr_upload").set_value((name, data, "text/csv")).run()
    assert not at.exception
    return at


def _rows(bad: str) -> bytes:
    rows = [f"{u},{i},{(u * 7 + i) % 5 + 1}" for u in range(1, 9) for i in range(1, 6)]
    rows[3] = f"1,4,{bad}"
    return ("user,item,rating\n" + "\n".join(rows) + "\n").encode()


@pytest.mark.parametrize(
    ("value", "needle"),
    [
        ("1e308", "Row 5: rating 1e+308 is too large for float32"),
        ("-1e308", "Row 5: rating -1e+308 is too large for float32"),
        ("3e7", "Row 5: rating 3e+07 is beyond ±100000"),
    ],
)
def test_a_rating_the_model_cannot_hold_is_named_and_the_session_survives(value, needle):
    at = page()
    at.button(key="tr_train").click().run()
    poll(at, finished)
    run, data = at.session_state[RUN_KEY], at.session_state["tr_data"]
    upload(at, _rows(value))
    at.button(key="tr_load_csv").click().run()
    assert not at.exception
    assert any(needle in e.value for e in at.error), [e.value for e in at.error]
    assert at.session_state[RUN_KEY] is run and at.session_state["tr_data"] is data
    assert at.button(key="tr_train") and at.sidebar.number_input(key="tr_n_factors").value == 50


def test_a_second_upload_is_judged_by_its_own_columns():
    at = page()  # the first file: the visitor gives the user role to its rating column
    upload(at, b"user,item,rating\n1,2,4\n2,2,3\n")
    user_role = next(k for k in at.session_state if k.startswith("tr_role_user"))
    at.selectbox(key=user_role).set_value("rating").run()
    at.button(key="tr_load_csv").click().run()
    assert any("three different columns" in e.value for e in at.error)  # as it should
    upload(at, b"user,item,rating\n1,2,4\n1,3,five\n2,2,3\n", "second.csv")
    at.button(key="tr_load_csv").click().run()
    messages = [e.value for e in at.error]  # as a fresh session judges it
    assert any("Row 3: rating 'five'" in m for m in messages), messages
    assert not any("three different columns" in m for m in messages)


def test_a_link_to_a_set_past_the_budget_is_refused_before_it_is_built():
    import tracemalloc

    from streamlit.testing.v1 import AppTest

    from tests.ui.apptest import PAGE

    at = AppTest.from_string(PAGE, default_timeout=60)
    at.query_params.update(
        {"n_factors": "1024", "n_ratings": "10000000", "train": "1", "device": "cpu"}
    )
    tracemalloc.start()
    try:
        at.run()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert not at.exception
    errors = " ".join(e.value for e in at.error)
    assert "The 10,000,000-rating set was not built" in errors and "EXPLORER_MAX_RUN_MB" in errors
    assert any("train=1 was not carried out" in w.value for w in at.warning)
    assert len(at.session_state["tr_data"]) == 20_000 and RUN_KEY not in at.session_state
    assert peak < 150 * 2**20, peak  # the set was never built (it takes about 600 MB)
