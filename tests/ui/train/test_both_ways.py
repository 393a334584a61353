"""Train it both ways: nn.Embedding and one-hot x nn.Linear, one click apart, side by side."""

import re

from streamlit.testing.v1 import AppTest

from explorer.ui.train.session import RUN_KEY
from tests.ui.apptest import PAGE, finished, poll

PLAIN = {"model": "DotProductBias", "fast_step": "0", "row_updates": "0", "device": "cpu"}


def _linked(query: dict) -> AppTest:
    at = AppTest.from_string(PAGE, default_timeout=60)
    at.query_params.update(query)
    at.run()
    assert not at.exception
    return at


def test_one_click_trains_the_one_hot_twin_and_the_curves_lie_on_each_other():
    at = poll(_linked({**PLAIN, "train": "1"}), finished)
    first = at.session_state[RUN_KEY]
    at.button(key="tr_both_ways").click().run()
    at = poll(at, lambda a: a.session_state[RUN_KEY] is not first and finished(a), timeout=120)
    second = at.session_state[RUN_KEY]
    assert second.config.model == "DotProductBiasOneHot"
    assert at.sidebar.selectbox(key="tr_model").value == "DotProductBiasOneHot"
    assert at.query_params["model"] == "DotProductBiasOneHot"  # the link follows
    note = next(i.value for i in at.info if i.value.startswith("**Both ways.**"))
    diff = float(re.search(r"differ by at most ([\d.e+-]+):", note).group(1))
    a, b = first.view().losses, second.view().losses
    assert len(a) == len(b) and diff == float(
        f"{max(abs(x - y) for x, y in zip(a, b, strict=True)):.2g}"
    )
    assert diff <= 1e-5
    rows = next(df.value for df in at.dataframe if "changed" in df.value.columns)
    assert rows["changed"].iloc[-1] == "model DotProductBias → DotProductBiasOneHot"


def test_the_fast_steps_are_said_not_to_apply_and_a_one_hot_batch_past_the_budget_is_refused(
    monkeypatch,
):
    at = _linked({"model": "DotProductOneHot", "device": "cpu"})
    assert any("trains with the plain torch step" in c.value for c in at.caption)
    monkeypatch.setenv("EXPLORER_MAX_RUN_MB", "16")
    at = _linked({"model": "DotProductOneHot", "device": "cpu", "batch_size": "4096"})
    at.button(key="tr_train").click().run()
    assert any("one-hot batches would need about" in e.value for e in at.error)
    assert RUN_KEY not in at.session_state
