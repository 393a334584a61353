"""Runs side by side: the summaries a session keeps, and what changed between runs."""

from explorer.train.config import TrainConfig
from explorer.view.runs import KEEP, RunSummary, changes, comparison_rows, keep


def summary(number: int, config: TrainConfig, rmse: float) -> RunSummary:
    return RunSummary(number, config, [1, 2], [1.0, 0.9], [1.0, 0.9], [2], [rmse], 0.5, "finished")


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


def _summary(number, model, losses, seconds=1.0, **changes):
    from explorer.train.config import TrainConfig
    from explorer.view.runs import RunSummary

    steps = list(range(1, len(losses) + 1))
    config = TrainConfig(model=model, fast_step=False, row_updates=False, **changes)
    epochs = [0.9, 0.8]
    return RunSummary(
        number,
        config,
        steps,
        losses,
        losses,
        [len(losses)],
        epochs,
        seconds,
        "finished",
        epoch_s=seconds / len(epochs),
    )


def test_a_pair_trained_both_ways_is_found_and_measured():
    from explorer.view.runs import both_ways, twin

    assert (
        twin("DotProductBias") == "DotProductBiasOneHot"
        and twin("DotProduct") == "DotProductOneHot"
    )
    assert twin("DotProductOneHot") == "DotProduct" and twin("CollabNN") is None
    a = _summary(1, "DotProductBias", [1.0, 0.8, 0.7], seconds=0.2)
    b = _summary(2, "DotProductBiasOneHot", [1.0, 0.8000001, 0.7], seconds=0.6)
    pair = both_ways(a, b)
    assert pair.embedding is a and pair.one_hot is b
    assert abs(pair.max_loss_diff - 1e-7) < 1e-12
    assert (pair.embedding_epoch_s, pair.one_hot_epoch_s) == (0.1, 0.3)
    assert both_ways(b, a).embedding is a  # either order
    assert both_ways(a, _summary(2, "DotProductBiasOneHot", [1.0, 0.8, 0.7], wd=0.1)) is None
    assert both_ways(a, _summary(2, "DotProduct", [1.0, 0.8, 0.7])) is None
