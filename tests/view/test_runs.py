"""Runs side by side: the summaries a session keeps, and what changed between runs."""

from explorer.train.config import TrainConfig
from explorer.view.runs import KEEP, RunSummary, changes, comparison_rows, keep


def summary(number: int, config: TrainConfig, rmse: float) -> RunSummary:
    return RunSummary(number, config, [1, 2], [1.0, 0.9], [2], [rmse], 0.5, "finished")


def test_changes_name_each_setting_that_differs():
    assert changes(None, TrainConfig()) == "the first run"
    assert changes(TrainConfig(), TrainConfig()) == "nothing (the same settings)"
    assert changes(TrainConfig(), TrainConfig(wd=0.0, epochs=8)) == "wd 0.3 → 0.0, epochs 5 → 8"


def test_each_row_says_what_changed_and_what_it_did_to_the_rmse():
    runs = [summary(1, TrainConfig(), 0.95), summary(2, TrainConfig(wd=0.0), 1.05)]
    rows = comparison_rows(runs)
    assert [r["run"] for r in rows] == [1, 2] and rows[0]["change in RMSE"] is None
    assert rows[1]["changed"] == "wd 0.3 → 0.0"
    assert abs(rows[1]["change in RMSE"] - 0.10) < 1e-9


def test_a_session_keeps_its_last_few_runs():
    history = []
    for n in range(1, KEEP + 3):
        history = keep(history, summary(n, TrainConfig(seed=n), 1.0))
    assert [s.number for s in history] == list(range(3, KEEP + 3))
