"""AppTest of the Train page. run_every timers never fire under AppTest, so tests poll run()."""

import time

from streamlit.testing.v1 import AppTest

from tests.conftest import write_ml100k

PAGE = """
import streamlit as st
st.set_page_config(layout="wide")
from explorer.ui import train_page
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


def frames(at) -> dict[str, list]:
    """Every dataframe on the page, by its first column's name."""
    out = {}
    for df in at.dataframe:
        v = df.value
        out[str(v.columns[0])] = v
    return out


def test_defaults_render():
    at = page()
    assert at.title[0].value == "Train a DotProduct model"
    assert [m.value for m in at.metric][:3] == ["424", "707", "20,000"]
    assert "Press **Train**" in at.info[0].value
    assert at.sidebar.selectbox(key="tr_model").value == "DotProductBias"


def test_training_to_completion_and_what_it_learned():
    at = page()
    at.button(key="tr_train").click().run()
    poll(at, finished)
    body = frames(at)
    metrics = body["model"]
    rmse = dict(zip(metrics["model"], metrics["RMSE"], strict=True))
    assert rmse["DotProductBias"] < rmse["user + item biases"] < rmse["global mean"]
    # the book's reading on planted data: the highest-bias items beat the lowest in bias
    assert body["highest bias"]["bias"].min() > body["lowest bias"]["bias"].max()
    # neighbours of the most rated item share its genre (titles carry it in brackets)
    chosen = at.selectbox(key="tr_item_select")
    genre = chosen.format_func(chosen.value).split("(")[-1]
    near = body["nearest items"]["nearest items"].tolist()
    assert sum(t.endswith(genre) for t in near) >= 7
    assert len(body["recommended"]) == 10 and len(body["already rated"]) > 0
    assert len(at.get("download_button")) == 3


def test_new_user_fold_in_recommends_the_loved_genre():
    at = page()
    at.button(key="tr_train").click().run()
    poll(at, finished)
    r = at.session_state["tr_data"]
    order = r.items_by_popularity[:300]  # the items the page offers
    loved = [i for i in order if r.item_genres[i] == "Action"][:4]
    hated = [i for i in order if r.item_genres[i] == "Horror"][:4]  # opposite on the ring
    at.multiselect(key="tr_new_items").set_value(loved + hated).run()
    for i in hated:
        at.slider(key=f"tr_new_{i}").set_value(1.0).run()
    assert not at.exception
    recs = frames(at)["recommended"]["recommended"].tolist()  # the new user's table is last
    assert len(recs) == 10
    assert sum(t.endswith("(Action)") for t in recs) >= 7


def test_stop_keeps_the_history_and_resume_continues():
    at = page()
    at.sidebar.number_input(key="tr_epochs").set_value(400).run()
    at.button(key="tr_train").click().run()
    poll(at, lambda a: a.session_state["tr_run"].view().global_step > 20)
    at.button(key="tr_stop").click().run()
    poll(at, lambda a: any("Stopped" in w.value for w in a.warning))
    run = at.session_state["tr_run"]
    kept = run.view().losses
    steps = run.view().global_step
    assert steps > 0 and len(kept) == steps
    assert at.button(key="tr_resume").disabled is False
    at.button(key="tr_resume").click().run()
    poll(at, lambda a: a.session_state["tr_run"].view().global_step > steps + 50)
    at.button(key="tr_stop").click().run()
    after = run.view().losses
    assert after[:steps] == kept and len(after) > steps  # nothing lost, nothing rewritten
    assert not at.exception
    at.button(key="tr_reset").click().run()
    assert "tr_run" not in at.session_state


def test_a_huge_learning_rate_diverges_with_advice():
    at = page()
    at.sidebar.number_input(key="tr_lr").set_value(100.0).run()
    at.sidebar.selectbox(key="tr_optimizer").set_value("SGD").run()
    at.button(key="tr_train").click().run()
    at = poll(at, lambda a: any("NaN or infinite" in e.value for e in a.error))
    assert "Try 10." in next(e.value for e in at.error if "NaN" in e.value)
    assert at.session_state["tr_run"].view().status == "diverged"


def test_a_bad_config_shows_its_message():
    at = page()
    at.sidebar.selectbox(key="tr_optimizer").set_value("SparseAdam").run()
    assert any("SparseAdam has no weight decay" in e.value for e in at.error)
    at.button(key="tr_train").click().run()
    assert not at.exception and "tr_run" not in at.session_state


def test_a_bad_folder_leaves_the_data_and_the_model_as_they_were(tmp_path):
    at = page()
    at.button(key="tr_train").click().run()
    poll(at, finished)
    run = at.session_state["tr_run"]
    at.radio(key="tr_source").set_value("MovieLens folder or zip").run()
    at.text_input(key="tr_ml_path").set_value(str(tmp_path / "missing")).run()
    at.button(key="tr_load_path").click().run()
    assert any("does not exist" in e.value for e in at.error)
    assert at.session_state["tr_run"] is run
    assert "built-in synthetic" in at.session_state["tr_data"].source


def test_loading_a_movielens_folder_offers_its_official_split(tmp_path):
    folder = write_ml100k(tmp_path / "ml-100k", n_users=40, n_items=30)
    at = page()
    at.radio(key="tr_source").set_value("MovieLens folder or zip").run()
    at.text_input(key="tr_ml_path").set_value(str(folder)).run()
    at.button(key="tr_load_path").click().run()
    assert any("Loaded MovieLens 100k" in s.value for s in at.success)
    assert at.session_state["tr_data"].source == "MovieLens 100k"
