"""AppTest of the Train page. run_every timers never fire under AppTest, so tests poll run()."""

import json

import torch
from streamlit.testing.v1 import AppTest

from tests.conftest import write_ml100k
from tests.ui.apptest import PAGE, finished, page, poll


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
    at.sidebar.number_input(key="tr_batch_size").set_value(16).run()  # 400,000 steps: seconds
    at.button(key="tr_train").click().run()
    poll(at, lambda a: a.session_state["tr_run"].view().global_step > 20)
    at.button(key="tr_stop").click().run()
    poll(at, lambda a: any("Stopped" in w.value for w in a.warning))
    run = at.session_state["tr_run"]
    v = run.view()
    kept, steps = dict(zip(v.steps, v.losses, strict=True)), v.global_step
    assert steps > 0 and v.steps[-1] == steps  # up to the step it stopped at
    assert at.button(key="tr_resume").disabled is False
    at.button(key="tr_resume").click().run()
    poll(at, lambda a: a.session_state["tr_run"].view().global_step > steps + 50)
    at.button(key="tr_stop").click().run()
    v = run.view()
    old = [(s, loss) for s, loss in zip(v.steps, v.losses, strict=True) if s <= steps]
    assert old and all(kept.get(s) == loss for s, loss in old)  # nothing rewritten
    assert v.steps[-1] == v.global_step > steps  # and it went on from there
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


def test_a_bad_folder_leaves_the_data_and_the_model_as_they_were(tmp_path, monkeypatch):
    monkeypatch.setenv("EXPLORER_DATA_ROOTS", str(tmp_path))  # the operator's folder
    at = page()
    at.button(key="tr_train").click().run()
    poll(at, finished)
    run = at.session_state["tr_run"]
    at.radio(key="tr_source").set_value("folder").run()
    at.text_input(key="tr_ml_path").set_value(str(tmp_path / "missing")).run()
    at.button(key="tr_load_path").click().run()
    assert any("does not exist" in e.value for e in at.error)
    assert at.session_state["tr_run"] is run
    assert "built-in synthetic" in at.session_state["tr_data"].source


def test_loading_a_movielens_folder_offers_its_official_split(tmp_path, monkeypatch):
    monkeypatch.setenv("EXPLORER_DATA_ROOTS", str(tmp_path))
    folder = write_ml100k(tmp_path / "ml-100k", n_users=40, n_items=30)
    at = page()
    at.radio(key="tr_source").set_value("folder").run()
    at.text_input(key="tr_ml_path").set_value(str(folder)).run()
    at.button(key="tr_load_path").click().run()
    assert any("Loaded MovieLens 100k" in s.value for s in at.success)
    assert at.session_state["tr_data"].source == "MovieLens 100k"


def scaled_csv(scale: float, seed: int = 3) -> bytes:
    from explorer.data.synthetic import synthetic_ratings

    r = synthetic_ratings(6000, n_users=120, n_items=150, seed=seed)
    rows = zip(r.users.tolist(), r.items.tolist(), r.ratings.tolist(), strict=True)
    return ("user,item,rating\n" + "\n".join(f"{u},{i},{x * scale:g}" for u, i, x in rows)).encode()


def upload(at: AppTest, data: bytes, name: str = "r.csv") -> AppTest:
    at.radio(key="tr_source").set_value("upload").run()
    at.file_uploader(key="tr_upload").set_value((name, data, "text/csv")).run()
    assert not at.exception
    return at


def test_a_one_to_ten_csv_sets_y_range_and_trains_below_the_biases_baseline():
    at = upload(page(), scaled_csv(2.0))  # ratings 2 to 10
    at.button(key="tr_load_csv").click().run()
    assert at.session_state["tr_data"].rating_range == (2.0, 10.0)
    assert at.sidebar.number_input(key="tr_y_range_low").value == 0.0
    assert at.sidebar.number_input(key="tr_y_range_high").value == 11.0
    assert any("y_range follows the data" in c.value for c in at.sidebar.caption)
    at.button(key="tr_train").click().run()
    at = poll(at, finished)
    run = at.session_state["tr_run"]
    assert run.config.y_range == (0.0, 11.0)
    assert run.evaluate().rmse < run.plan.baselines.biases.rmse


def test_a_bad_upload_leaves_the_data_and_the_model_as_they_were():
    at = page()
    at.button(key="tr_train").click().run()
    poll(at, finished)
    run, data = at.session_state["tr_run"], at.session_state["tr_data"]
    upload(at, b"\x00\x01binary\x00")
    assert any("not text" in e.value for e in at.error)
    assert at.session_state["tr_run"] is run and at.session_state["tr_data"] is data


def test_a_link_out_of_bounds_is_named_and_the_page_still_trains():
    at = AppTest.from_string(PAGE, default_timeout=60)
    for key, value in {"valid_pct": "0.6", "lr": "1e30", "model": "Evil", "device": "cpu"}.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception
    warned = " ".join(w.value for w in at.warning)
    assert "valid_pct='0.6' in the link: valid_pct must be between 0.05 and 0.5" in warned
    assert "lr='1e30'" in warned and "model='Evil'" in warned
    assert at.sidebar.selectbox(key="tr_model").value == "DotProductBias"  # the default
    at.button(key="tr_train").click().run()
    poll(at, finished)


def test_a_run_the_server_cannot_afford_is_refused_before_it_starts(monkeypatch):
    monkeypatch.setenv("EXPLORER_MAX_RUN_RATINGS", "1000000")
    at = AppTest.from_string(PAGE, default_timeout=60)
    at.query_params["epochs"], at.query_params["batch_size"] = "1000", "1"
    at.run()
    at.button(key="tr_train").click().run()
    assert not at.exception and "tr_run" not in at.session_state
    refusal = next(e.value for e in at.error if "rating steps" in e.value)
    assert "16,000 ratings x 1,000 epochs" in refusal and "EXPLORER_MAX_RUN_RATINGS" in refusal


def test_the_page_says_where_training_runs_and_a_missing_device_is_named():
    at = page()
    assert any("Training runs on cpu" in c.value for c in at.caption)
    if not torch.cuda.is_available():
        at = AppTest.from_string(PAGE, default_timeout=60)
        at.query_params["device"] = "cuda"
        at.run()
        assert any(
            "device=cuda in the link: this server has no cuda" in w.value for w in at.warning
        )


def test_one_prediction_step_by_step_equals_the_model_for_several_pairs():
    for model in ("DotProduct", "DotProductBias", "CollabNN"):
        at = page()
        at.sidebar.selectbox(key="tr_model").set_value(model).run()
        at.button(key="tr_train").click().run()
        at = poll(at, finished)
        assert any(h.value == "One prediction, step by step" for h in at.subheader)
        run = at.session_state["tr_run"]
        for user, item in ((0, run.ratings.items_by_popularity[0]), (5, 3), (17, 40)):
            at.selectbox(key="tr_pred_user").set_value(user).run()
            at.selectbox(key="tr_pred_item").set_value(item).run()
            want = float(run.model(torch.tensor([user]), torch.tensor([item]))[0].detach())
            text = " ".join(m.value for m in at.markdown)
            assert f"= **{want:.4f}**, the model's prediction" in text


def test_runs_side_by_side_compare_wd_and_draw_the_earlier_curve():
    at = page()
    at.button(key="tr_train").click().run()
    at = poll(at, finished)
    first = at.session_state["tr_run"]
    at.sidebar.number_input(key="tr_wd").set_value(0.0).run()
    at.button(key="tr_train").click().run()
    at = poll(at, lambda a: finished(a) and a.session_state["tr_run"] is not first)
    assert any(h.value == "Runs side by side" for h in at.subheader)
    table = frames(at)["run"]
    assert table["run"].tolist() == [1, 2] and table["changed"].tolist()[1] == "wd 0.3 → 0.0"
    assert abs(table["change in RMSE"].iloc[1] - (table["validation RMSE"].diff().iloc[1])) < 1e-9
    loss = next(
        json.loads(c.proto.spec) for c in at.get("plotly_chart") if "Training loss" in c.proto.spec
    )
    assert "run 1" in [t.get("name") for t in loss["data"]]


def test_a_shared_link_holds_the_data_choice_and_train_1_trains_on_open():
    at = page()
    at.radio(key="tr_source").set_value("synthetic").run()
    at.number_input(key="tr_syn_n").set_value(5000).run()
    at.number_input(key="tr_syn_seed").set_value(7).run()
    at.button(key="tr_load_syn").click().run()
    link = {k: at.query_params[k] for k in at.query_params}
    assert link["data"] == "synthetic" and link["n_ratings"] == "5000"
    assert link["data_seed"] == "7"
    fresh = AppTest.from_string(PAGE, default_timeout=60)  # another browser opens the link
    for k, v in link.items():
        fresh.query_params[k] = v
    fresh.query_params["train"] = "1"
    fresh.run()
    assert not fresh.exception and len(fresh.session_state["tr_data"]) == 5000
    assert "seed 7" in fresh.session_state["tr_data"].source
    fresh = poll(fresh, finished)  # it trained on open, on the same data and settings
    assert fresh.session_state["tr_run"].config == at.session_state["_tr_config"]


def test_a_link_to_an_upload_says_it_cannot_travel():
    at = AppTest.from_string(PAGE, default_timeout=60)
    at.query_params["data"] = "upload"
    at.run()
    assert any("cannot travel in a link" in i.value for i in at.info)


def test_a_links_split_on_a_folder_is_named_and_left_out(tmp_path, monkeypatch):
    monkeypatch.setenv("EXPLORER_DATA_ROOTS", str(tmp_path))
    folder = write_ml100k(tmp_path / "ml-100k", n_users=40, n_items=30)
    at = AppTest.from_string(PAGE, default_timeout=60)
    at.query_params.update({"data": "folder", "path": str(folder), "split": "u1"})
    at.run()
    assert not at.exception
    assert any("split='u1' in the link" in w.value and "'folder'" in w.value for w in at.warning)
    assert at.session_state["tr_data"].source == "MovieLens 100k"  # the folder still loads
    assert at.query_params["split"] == "" and at.query_params["data"] == "folder"  # as loaded
