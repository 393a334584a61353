"""AdamW on the touched rows against torch's own AdamW, autograd and OneCycleLR.

Where every batch touches every row, the two must agree. Where a row sits out steps, its
decay must be exact, its momentum's drift close to AdamW's, and the result must not depend
on when the weights were read.
"""

import sys

import pytest
import torch
from torch.testing import assert_close

from explorer.train.config import TrainConfig
from explorer.train.model.models import make_model
from explorer.train.step import row_adamw as module
from explorer.train.step.reference import make_optimizer, make_scheduler, param_groups
from explorer.train.step.row_adamw import RowAdamW, _kernel

PATHS = [False, pytest.param(True, marks=pytest.mark.skipif(_kernel() is None, reason="numba"))]
MODELS = [("DotProductBias", (0.0, 5.5)), ("DotProduct", None)]


def torch_adamw(model, config, total, batches):
    """The reference: autograd and torch's AdamW with the trainer's groups and schedule."""
    opt = make_optimizer(config, param_groups(config, model), torch.device("cpu"))
    sched = make_scheduler(config, opt, total)
    for users, items, target in batches:
        opt.zero_grad()
        torch.nn.functional.mse_loss(model(users, items), target).backward()
        opt.step()
        sched.step()
    return [e.weight.detach().clone() for e in model.embeddings()]


def row_adamw(model, config, total, batches, compiled, settle_every=None):
    rows = RowAdamW(model, config, total, compiled=compiled)
    losses = []
    for n, (users, items, target) in enumerate(batches):
        losses.append(float(rows.step(users, items, target)))
        if settle_every and n % settle_every == 0:
            rows.settle()
    rows.settle()
    return [e.weight.detach().clone() for e in model.embeddings()], losses


def batches(n_users, n_items, steps, size, seed=0, all_rows=False):
    gen = torch.Generator().manual_seed(seed)
    out = []
    for _ in range(steps):
        if all_rows:  # every user with every item: each row in each batch, several times
            users = torch.arange(n_users).repeat_interleave(n_items)
            items = torch.arange(n_items).repeat(n_users)
        else:
            users = torch.randint(0, n_users, (size,), generator=gen)
            items = torch.randint(0, n_items, (size,), generator=gen)
        out.append((users, items, torch.rand(len(users), generator=gen) * 4 + 1))
    return out


@pytest.mark.parametrize("compiled", PATHS)
@pytest.mark.parametrize("name,y_range", MODELS)
@pytest.mark.parametrize("bias_wd", [0.0, None, 0.05])
def test_where_every_row_is_in_every_batch_it_is_torchs_adamw(compiled, name, y_range, bias_wd):
    config = TrainConfig(model=name, y_range=y_range, lr=2e-2, wd=0.3, bias_wd=bias_wd)
    data = batches(3, 4, 30, 0, all_rows=True)

    def model():
        return make_model(name, 3, 4, 5, y_range, init="normal", seed=2)

    expected = torch_adamw(model(), config, 30, data)
    got, _ = row_adamw(model(), config, 30, data, compiled)
    for g, e in zip(got, expected, strict=True):
        assert_close(g, e, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("compiled", PATHS)
def test_rows_that_sit_out_steps_decay_exactly_and_drift_as_adamw_does(compiled):
    config = TrainConfig(lr=1e-2, wd=0.3, bias_wd=0.0)
    n_users, n_items, total = 30, 40, 60
    data = batches(n_users - 5, n_items - 5, total, 16, seed=3)  # the last five never play

    def model():
        return make_model("DotProductBias", n_users, n_items, 6, (0.0, 5.5), seed=4)

    start = [e.weight.detach().clone() for e in model().embeddings()]
    expected = torch_adamw(model(), config, total, data)
    got, _ = row_adamw(model(), config, total, data, compiled)
    # never touched: their gradient and moments stay zero, so AdamW only decays them
    for g, e in zip(got, expected, strict=True):
        assert_close(g[-5:], e[-5:], rtol=1e-5, atol=1e-8)
    # touched now and then: within 15% of how far AdamW moved them (8% measured; leaving the
    # momentum's drift out, 40% to 80%)
    for g, e, s in zip(got, expected, start, strict=True):
        moved = (e - s).norm()
        assert moved > 0
        assert (g - e).norm() < 0.15 * moved


@pytest.mark.parametrize("compiled", PATHS)
def test_when_the_weights_are_read_changes_nothing(compiled):
    config = TrainConfig()
    data = batches(20, 25, 40, 12, seed=5)

    def model():
        return make_model("DotProductBias", 20, 25, 4, (0.0, 5.5), seed=6)

    a, loss_a = row_adamw(model(), config, 40, data, compiled)
    b, loss_b = row_adamw(model(), config, 40, data, compiled, settle_every=3)
    assert loss_a == loss_b
    for x, y in zip(a, b, strict=True):
        assert torch.equal(x, y)


@pytest.mark.skipif(_kernel() is None, reason="numba is not installed")
@pytest.mark.parametrize("name,y_range", MODELS)
def test_the_compiled_step_is_the_torch_step(name, y_range):
    config = TrainConfig(model=name, y_range=y_range, wd=0.2, bias_wd=0.1)
    data = batches(15, 18, 50, 20, seed=7)  # repeats within batches, rows skipping steps

    def model():
        return make_model(name, 15, 18, 7, y_range, seed=8)

    a, loss_a = row_adamw(model(), config, 50, data, compiled=True)
    b, loss_b = row_adamw(model(), config, 50, data, compiled=False)
    assert_close(torch.tensor(loss_a), torch.tensor(loss_b), rtol=1e-5, atol=1e-7)
    for x, y in zip(a, b, strict=True):
        assert_close(x, y, rtol=1e-5, atol=1e-7)


def test_a_rollback_restores_the_state_and_the_weights():
    config = TrainConfig()
    model = make_model("DotProductBias", 10, 12, 3, (0.0, 5.5), seed=9)
    rows = RowAdamW(model, config, 20, compiled=False)
    data = batches(10, 12, 20, 8, seed=10)
    for users, items, target in data[:5]:
        rows.step(users, items, target)
    rows.save_good()
    rows.settle()
    kept = [e.weight.detach().clone() for e in model.embeddings()]
    for users, items, target in data[5:]:
        rows.step(users, items, target)
    rows.restore_good()
    assert rows.t == 5
    for e, k in zip(model.embeddings(), kept, strict=True):
        assert torch.equal(e.weight, k)


def test_without_the_compiled_step_the_torch_ops_train(monkeypatch):
    monkeypatch.setattr(module, "_LOADED", [])
    monkeypatch.setitem(sys.modules, "explorer.train.step.row_kernel", None)  # import fails
    with pytest.warns(UserWarning, match="No compiled row step"):
        assert module._kernel() is None
    model = make_model("DotProductBias", 6, 7, 3, (0.0, 5.5), seed=1)
    rows = RowAdamW(model, TrainConfig(), 10)
    assert rows.kernel is None
    losses = rows.steps(batches(6, 7, 1, 40)[0], 0, 4, 10)
    assert len(losses) == 4 and all(torch.isfinite(x) for x in losses)


@pytest.mark.parametrize("compiled", PATHS)
@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf"), 3e38])
def test_finite_is_torchs_isfinite_over_the_whole_block(compiled, bad):
    model = make_model("DotProductBias", 9, 11, 4, (0.0, 5.5), seed=3)
    rows = RowAdamW(model, TrainConfig(), 10, compiled=compiled)
    for users, items, target in batches(9, 11, 3, 8, seed=4):
        rows.step(users, items, target)
    assert rows.finite()
    for where in [(0, 0, 0), (5, 1, 2), (19, 2, 4)]:  # a weight, a first and a second moment
        kept = rows.block[where].item()
        rows.block[where] = bad
        assert rows.finite() == bool(torch.isfinite(rows.block).all())
        rows.block[where] = kept
    assert rows.finite()
