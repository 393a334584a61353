"""The optimizer and schedule a TrainConfig asks for: fastai's settings, on torch's own classes."""

import pytest
import torch

from explorer.train.config import TrainConfig
from explorer.train.model.models import make_model
from explorer.train.step.reference import make_optimizer, make_scheduler, param_groups


def model(name: str = "DotProductBias", sparse: bool = False):
    return make_model(name, 5, 7, 3, (0.0, 5.5), "fastai", sparse, 0)


def test_bias_tables_get_their_own_weight_decay():
    m = model()
    groups = param_groups(TrainConfig(wd=0.3, bias_wd=0.0), m)
    factors = groups[0]["params"]
    assert factors[0] is m.user_factors.weight and factors[1] is m.item_factors.weight
    assert groups[1]["params"][0] is m.user_bias.weight and groups[1]["weight_decay"] == 0.0
    # the same decay, or no bias tables: one group of every table
    assert len(param_groups(TrainConfig(wd=0.3, bias_wd=None), m)) == 1
    assert len(param_groups(TrainConfig(model="DotProduct", bias_wd=0.0), model("DotProduct"))) == 1


@pytest.mark.parametrize("name", ["AdamW", "Adam", "SGD"])
def test_each_optimizer_is_torchs_own_with_fastais_settings(name):
    m = model()
    cfg = TrainConfig(optimizer=name, lr=1e-2, wd=0.1)
    opt = make_optimizer(cfg, param_groups(cfg, m), torch.device("cpu"))
    assert type(opt) is getattr(torch.optim, name)
    group = opt.param_groups[0]
    assert group["lr"] == 1e-2 and group["weight_decay"] == 0.1
    if name != "SGD":
        assert group["betas"] == (0.9, 0.99) and group["eps"] == 1e-5 and group["fused"]
    assert opt.param_groups[1]["weight_decay"] == 0.0  # the biases (bias_wd defaults to 0)


def test_sparse_adam_for_sparse_tables():
    m = model(sparse=True)
    cfg = TrainConfig(optimizer="SparseAdam", wd=0.0, bias_wd=0.0)
    opt = make_optimizer(cfg, param_groups(cfg, m), torch.device("cpu"))
    assert isinstance(opt, torch.optim.SparseAdam)


def test_one_cycle_warms_up_a_quarter_then_anneals_to_lr_over_25e5():
    m = model()
    cfg = TrainConfig(lr=1e-2, schedule="one_cycle")
    opt = make_optimizer(cfg, param_groups(cfg, m), torch.device("cpu"))
    sched = make_scheduler(cfg, opt, total_steps=100)
    lrs = []
    for _ in range(100):
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    torch.testing.assert_close(torch.tensor(lrs[0]), torch.tensor(1e-2 / 25))
    assert max(range(100), key=lrs.__getitem__) == 24  # the peak at a quarter (step 0.25 * 100 - 1)
    torch.testing.assert_close(torch.tensor(max(lrs)), torch.tensor(1e-2))
    torch.testing.assert_close(
        torch.tensor(lrs[-1]), torch.tensor(1e-2 / 25 / 1e5), rtol=1e-3, atol=0
    )
    assert make_scheduler(TrainConfig(schedule="constant"), opt, 100) is None


@pytest.mark.parametrize("total_steps", range(1, 11))
def test_one_cycle_works_for_any_number_of_steps(total_steps):
    m = model()
    cfg = TrainConfig(lr=1e-2, schedule="one_cycle")
    opt = make_optimizer(cfg, param_groups(cfg, m), torch.device("cpu"))
    sched = make_scheduler(cfg, opt, total_steps=total_steps)
    lrs = []
    for _ in range(total_steps):
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        if sched is not None:
            sched.step()
    assert all(0 < lr <= 1e-2 for lr in lrs)
    if total_steps > 2:
        assert lrs[0] < max(lrs) and lrs[-1] < max(lrs)  # it warms up, then anneals


def test_the_built_in_data_trains_one_epoch_at_any_batch_size(tiny):
    from explorer.train.loop.trainer import Trainer

    n_train = int(len(tiny) * 0.8)
    for batch_size in (n_train // 3, n_train // 2, n_train, 4000):  # 3, 2, 1 and 1 steps
        tr = Trainer(tiny, TrainConfig(device="cpu", epochs=1, batch_size=batch_size))
        assert list(tr.run())[-1].status == "finished"
