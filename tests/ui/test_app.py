"""AppTest of the router and the Lookup page: real script runs, no browser."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.ui.apptest import app_with

APP = Path(__file__).parents[2] / "app.py"


@pytest.fixture
def at():
    app = AppTest.from_file(str(APP), default_timeout=60)
    app.run()
    assert not app.exception
    return app


def texts(app) -> str:
    parts = [m.value for m in app.markdown] + [m.value for m in app.caption]
    parts += [e.value for e in app.success] + [e.value for e in app.error]
    parts += [e.value for e in app.info] + [e.value for e in app.warning]
    return "\n".join(parts)


def test_defaults_render_the_equal_verdict_and_every_section(at):
    assert "Equal, bit for bit" in at.success[0].value
    body = texts(at)
    for section in (
        "1. The weight",
        "2. The one-hot input",
        "3. Product and lookup",
        "4. Embedding + bias",
        "5. Gradients",
        "6. Bags",
        "7. Cost",
        "8. Where they differ",
        "9. The code",
    ):
        assert any(s.value.startswith(section) for s in at.subheader)
    assert "one vector of size d = 4" in body
    assert "looked-up counts {0: 1, 3: 2}" in body
    titles = [json.loads(c.proto.json)["title"] for c in at.get("bidi_component")]
    for title in ("W: the one weight", "one_hot(idx)", "one_hot @ W", "W[idx]", "dL/dW"):
        assert any(t.startswith(title) for t in titles), (title, titles)
    snippet = at.get("html")[-1].proto.body  # the runnable snippet, in a plain <pre>
    assert "nn.Embedding(n, d)" in snippet and "x @ weight.T" in snippet


def test_changing_sizes_and_indices_updates_the_page_and_the_url(at):
    at.sidebar.number_input(key="lk_n").set_value(12).run()
    at.sidebar.number_input(key="lk_d").set_value(3).run()
    at.sidebar.text_input(key="lk_indices").set_value("[[11, 2], [2, 2]]").run()
    assert not at.exception
    body = texts(at)
    assert "shape (12, 3)" in body and "Batch shape (2, 2)" in body
    assert "looked-up counts {2: 3, 11: 1}" in body
    assert at.query_params["n"] == "12" and at.query_params["indices"] == "[[11, 2], [2, 2]]"


def test_a_shared_link_reproduces_the_view():
    app = AppTest.from_file(str(APP), default_timeout=60)
    app.query_params.update({"n": "6", "d": "2", "indices": "5, 5", "max_norm": "0.5"})
    app.run()
    assert app.sidebar.number_input(key="lk_n").value == 6
    assert app.sidebar.number_input(key="lk_max_norm").value == 0.5
    assert "renormalises looked-up rows" in texts(app)


def test_inf_option_shows_the_nan_column(at):
    at.sidebar.checkbox(key="lk_put_inf").check().run()
    assert "Not equal" in at.error[0].value
    assert "column(s) **[0]** are NaN" in texts(at)


def test_padding_and_sparse_options(at):
    at.sidebar.number_input(key="lk_padding_idx").set_value(3).run()
    assert "padding row 3 no gradient, while the one-hot product does" in texts(at)
    at.sidebar.checkbox(key="lk_sparse").check().run()
    assert not at.exception and "sparse=True" in texts(at)


@pytest.mark.parametrize(
    ("key", "value", "needle"),
    [
        ("lk_indices", "9", "out of range"),
        ("lk_indices", "-1", "out of range"),
        ("lk_indices", "one, two", "Could not read"),
        ("lk_indices", "", "empty"),
        ("lk_n", 0, "at least one row"),
        ("lk_d", 0, "at least one row"),
        ("lk_n", 10_000_000, "Lower n or d"),
    ],
)
def test_bad_input_shows_a_message_and_no_traceback(at, key, value, needle):
    widget = (
        at.sidebar.text_input(key=key) if key == "lk_indices" else at.sidebar.number_input(key=key)
    )
    widget.set_value(value).run()
    assert not at.exception
    assert needle in at.error[0].value


def test_large_sizes_skip_the_one_hot_and_still_show_the_lookup_and_cost(at):
    at.sidebar.number_input(key="lk_n").set_value(200_000).run()
    at.sidebar.text_input(key="lk_indices").set_value(", ".join(["7"] * 200)).run()
    assert not at.exception
    body = texts(at)
    assert "one-hot path was skipped" in body and "MiB" in body
    assert "too many to draw" in body
    assert any("multiply-adds" in str(df.value.columns.tolist()) for df in at.dataframe)


def test_the_timing_sweep_runs_on_demand_and_draws_its_chart(at):
    charts_before = len(at.get("plotly_chart"))
    at.number_input(key="lk_sweep_batch").set_value(4).run()
    at.button(key="lk_sweep_run").click().run()
    assert not at.exception
    charts = at.get("plotly_chart")
    assert len(charts) == charts_before + 1
    spec = json.loads(charts[-1].proto.spec)
    assert [t["name"] for t in spec["data"]] == ["Embedding lookup", "one-hot x Linear"]
    assert spec["data"][0]["x"] == [100, 1000, 10000, 100000]


@pytest.mark.worker  # a child Python
def test_a_training_worker_importing_the_app_draws_nothing_and_imports_no_streamlit():
    # a forkserver child runs the parent's main script as __mp_main__ before it trains
    code = (
        "import runpy, sys\n"
        f"runpy.run_path({str(APP)!r}, run_name='__mp_main__')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('streamlit', 'explorer')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert out.stdout.strip() == "[]" and out.stderr == ""


def test_many_repeats_say_the_gradients_differ_by_summation_order_only():
    app = AppTest.from_file(str(APP), default_timeout=60)
    app.query_params["n"], app.query_params["d"] = "240", "30"
    app.query_params["indices"] = ", ".join(["3"] * 196)
    app.run()
    assert not app.exception
    body = texts(app)
    assert "Equal, bit for bit" in app.success[0].value  # the forward pass still is
    assert "equal but for summation order" in body and "Why not bit for bit" in body


@pytest.mark.parametrize(
    ("query", "needle"),
    [
        ({"n": str(10**9)}, "n must be between 1 and 16,777,216"),
        ({"n": "16777216", "d": "1"}, "Lower n or d"),
        ({"n": "1677", "d": "10000", "indices": ", ".join(["0"] * 10_000)}, "Lower n or d"),
        ({"n": "100", "d": "2000", "indices": ",".join(["0"] * 9_000)}, "at most 64.0 MiB"),
        ({"d": str(10**6)}, "Lower n or d"),
        ({"n": "-5"}, "n must be between 1"),
        ({"seed": "18446744073709551614"}, "seed must be between 0 and"),
        ({"max_norm": "nan"}, "max_norm must be"),
        ({"n": "inf"}, "n='inf' in the link was not understood"),
        ({"dtype": "float16"}, "dtype must be one of float32, float64"),
        ({"indices": "1" * 100_000}, "at most 20,000"),
    ],
)
def test_a_bad_link_is_named_on_the_page_and_costs_nothing(query, needle):
    assert needle in texts(app_with(query))


def test_a_bad_input_keeps_the_last_good_view_drawn_below_its_message(at):
    at.sidebar.text_input(key="lk_indices").set_value("abc").run()
    assert not at.exception
    assert "Could not read" in at.error[0].value
    body = texts(at)
    assert "the last settings that worked" in body and "indices 3, 0, 3" in body
    assert any(h.value == "1. The weight" for h in at.subheader)  # the view stays


def test_the_max_norm_case_says_not_equal_and_why():
    app = AppTest.from_file(str(APP), default_timeout=60)
    for k, v in {"n": "6", "d": "2", "indices": "5,5", "max_norm": "0.5"}.items():
        app.query_params[k] = v
    app.run()
    body = texts(app)
    assert "not bit-for-bit equal" in body and "max_norm rescaled rows [5]" in body


def test_the_padding_note_names_every_row_where_the_gradients_differ():
    import torch

    query = {"n": "3", "d": "2", "indices": "0,0,0,0,0,0,0,0,1", "padding_idx": "1"}
    note = next(
        i.value for i in app_with({**query, "dtype": "float64"}).info if "padding" in i.value
    )
    # the oracle: plain torch's two gradients, from the page's own seeded weight and upstream
    from explorer.lookup.compare import compare
    from explorer.lookup.config import LookupConfig

    g = compare(LookupConfig(n=3, d=2, indices=query["indices"], padding_idx=1, dtype="float64"))
    differ = (g.gradients.lookup != g.gradients.product).any(1).nonzero().flatten().tolist()
    assert "padding row 1" in note and "differs by the whole gradient" in note
    assert 0 in differ  # this seed: row 0, summed eight times, differs in the last bit
    for row in (r for r in differ if r != 1):
        assert f"row {row}" in note and "summation order" in note
    assert torch.equal(g.gradients.lookup[2], g.gradients.product[2])  # row 2: never looked up


def test_with_the_one_hot_path_skipped_the_inf_note_claims_no_product():
    app = app_with({"n": "5000", "d": "1", "put_inf": "1", "indices": ",".join(["0"] * 1000)})
    body = texts(app)
    assert "no product was computed" in body and "are NaN for every sample" not in body


@pytest.mark.parametrize(
    ("query", "needle"),
    [
        ({"seed": "9007199254740992"}, "and 9,007,199,254,740,991, not 9,007,199,254,740,992"),
        ({"n": "5000", "d": "210"}, "needs 4.005 MiB; the page holds at most 4.000 MiB"),
    ],
)
def test_a_message_never_prints_the_value_as_its_bound(query, needle):
    assert needle in texts(app_with(query))
