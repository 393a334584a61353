"""After a divergence the run goes back to the last weights checked finite."""

import torch

from explorer.train.config import TrainConfig
from explorer.train.loop.plan import make_plan
from explorer.train.loop.rollback import Rollback
from explorer.train.step.stepper import Stepper


def _setup(tiny, row_updates: bool):
    config = TrainConfig(device="cpu", row_updates=row_updates, n_factors=4)
    plan = make_plan(tiny, config)
    model = plan.model()
    stepper = Stepper(model, config, plan.total_steps)
    return model, stepper, Rollback(list(model.parameters()), stepper)


def test_dense_weights_gone_nan_are_caught_and_restored(tiny):
    model, stepper, rollback = _setup(tiny, row_updates=False)
    rollback.start()
    stepper(tiny.users[:64], tiny.items[:64], tiny.ratings[:64])
    assert rollback.report()
    good = [p.detach().clone() for p in model.parameters()]
    with torch.no_grad():
        model.item_factors.weight[3, 0] = float("nan")
    assert not rollback.report()
    rollback.restore()
    for p, g in zip(model.parameters(), good, strict=True):
        assert torch.equal(p, g)


def test_row_updates_check_at_checkpoints_and_restore_their_block(tiny):
    model, stepper, rollback = _setup(tiny, row_updates=True)
    rollback.start()
    stepper(tiny.users[:64], tiny.items[:64], tiny.ratings[:64])
    assert rollback.checkpoint()
    stepper.settle()
    good = [p.detach().clone() for p in model.parameters()]
    stepper.rows.block.view(-1)[0] = float("nan")
    assert not rollback.checkpoint()
    rollback.restore()
    stepper.settle()
    for p, g in zip(model.parameters(), good, strict=True):
        assert torch.equal(p, g)
