"""A run's plan: checked against the server's budget before anything is built, made once."""

import pytest
import torch
from torch.testing import assert_close

from explorer.train.config import TrainConfig
from explorer.train.loop.plan import EVAL_CHUNK, make_plan, predict, run_bytes
from explorer.train.model.models import make_model


def test_the_plans_model_is_the_configs_model_from_its_seed(tiny):
    config = TrainConfig(n_factors=6, seed=5, device="cpu")
    plan = make_plan(tiny, config)
    a, b = plan.model(), plan.model()
    oracle = make_model(
        config.model, tiny.n_users, tiny.n_items, 6, config.y_range, "fastai", False, 5
    )
    for x, y, z in zip(a.parameters(), b.parameters(), oracle.parameters(), strict=True):
        assert torch.equal(x, y) and torch.equal(x, z)
    assert plan.steps_per_epoch == -(-len(plan.split.train) // config.batch_size)
    assert plan.total_steps == plan.steps_per_epoch * config.epochs


def test_memory_grows_with_the_tables_and_a_run_past_the_budget_is_refused(tiny, monkeypatch):
    small = run_bytes(1000, 800, 100, 10)
    assert run_bytes(1000, 800, 100, 20) - small == 9 * 4 * 100 * 10
    monkeypatch.setenv("EXPLORER_MAX_RUN_MB", "1")
    with pytest.raises(ValueError, match=r"about \d+ MB .* at most 1 MB \(EXPLORER_MAX_RUN_MB\)"):
        make_plan(tiny, TrainConfig(n_factors=1024, device="cpu"))
    monkeypatch.setenv("EXPLORER_MAX_RUN_RATINGS", "1000")
    with pytest.raises(ValueError, match="EXPLORER_MAX_RUN_RATINGS"):
        make_plan(tiny, TrainConfig(device="cpu"))


def test_a_bad_config_is_refused_before_any_work(tiny):
    with pytest.raises(ValueError, match="epochs must be between"):
        make_plan(tiny, TrainConfig(epochs=0))


def test_predictions_in_chunks_equal_the_model_at_once(tiny, monkeypatch):
    model = make_plan(tiny, TrainConfig(device="cpu")).model()
    monkeypatch.setattr("explorer.train.loop.plan.EVAL_CHUNK", 7)
    got = predict(model, tiny.users[:100], tiny.items[:100])
    with torch.no_grad():
        assert_close(got, model(tiny.users[:100], tiny.items[:100]))
    assert EVAL_CHUNK >= 1 and predict(model, tiny.users[:0], tiny.items[:0]).numel() == 0
