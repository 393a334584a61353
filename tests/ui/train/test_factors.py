"""The finished factor plot (find box, labels) and the replay section, in AppTest."""

import json

from streamlit.testing.v1 import AppTest

from explorer.ui.train.factors import MAX_POINTS, TOP_ITEMS, WHOLE_KEY
from tests.ui.apptest import PAGE, finished, page, poll


def _factor_spec(at) -> dict:
    charts = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    return next(c for c in charts if "Item factors" in json.dumps(c["layout"].get("title")))


def test_the_find_box_rings_every_plotted_title_that_matches():
    at = page()
    at.button(key="tr_train").click().run()
    at = poll(at, finished)
    run = at.session_state["tr_run"]
    titles = [run.ratings.title(i) for i in range(run.ratings.n_items)]
    word = titles[0].split()[0]  # a word the synthetic titles share
    at.text_input(key="tr_find").set_value(word.lower()).run()
    spec = _factor_spec(at)
    ring = next(t for t in spec["data"] if t.get("name", "").startswith("found"))
    plotted = {n for t in spec["data"] if t.get("mode") == "markers" for n in t.get("text", [])}
    expect = sorted(t for t in plotted if word.lower() in t.lower())[:40]
    assert sorted(ring["text"]) == expect and expect
    labels = next(t for t in spec["data"] if t.get("mode") == "text")
    top = [run.ratings.title(i) for i in run.ratings.items_by_popularity[:TOP_ITEMS]]
    assert len(plotted) == TOP_ITEMS  # by default: the most rated items, as the book draws them
    assert {t.rstrip("…") for t in labels["text"]} <= {t[:27] for t in top} | set(top)
    assert len(labels["text"]) >= 10 and len(labels["textposition"]) == len(labels["text"])
    assert spec["layout"]["legend"]["itemclick"] == "toggleothers"
    assert any(h.value == "Replay the run" for h in at.subheader)


def _linked(**query) -> AppTest:
    at = AppTest.from_string(PAGE, default_timeout=60)
    for k, v in {"device": "cpu", **query}.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception
    return at


def test_a_link_frame_reaches_the_replay_and_a_bad_one_is_named():
    at = poll(_linked(frame="3", train="1"), finished)
    assert at.session_state["tr_frame"] == 3 and at.query_params["frame"] == "3"
    bad = _linked(frame="-2")
    assert any("frame='-2' in the link" in w.value for w in bad.warning)
    assert bad.session_state["tr_frame"] is None and "frame" not in bad.query_params


def test_the_whole_cloud_switch_draws_every_item_and_the_replay_follows():
    at = page()
    at.button(key="tr_train").click().run()
    at = poll(at, finished)
    run = at.session_state["tr_run"]
    at.toggle(key=WHOLE_KEY).set_value(True).run()
    spec = _factor_spec(at)
    plotted = [n for t in spec["data"] if t.get("mode") == "markers" for n in t.get("text", [])]
    assert len(plotted) == min(MAX_POINTS, run.ratings.n_items)
    top = {run.ratings.title(i)[:27] for i in run.ratings.items_by_popularity[:TOP_ITEMS]}
    labels = next(t for t in spec["data"] if t.get("mode") == "text")
    assert {t.rstrip("…")[:27] for t in labels["text"]} <= top  # still only the most rated
