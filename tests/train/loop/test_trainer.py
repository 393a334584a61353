import math
import threading
from dataclasses import replace

import pytest
import torch
from torch.testing import assert_close

from explorer.devices import resolve_device
from explorer.train.config import TrainConfig
from explorer.train.loop.events import BatchEvent, EndEvent, EpochEvent, SnapshotEvent
from explorer.train.loop.trainer import Trainer

SMALL = dict(device="cpu", epochs=3, batch_size=64, n_factors=8, snapshot_every=7, log_every=5)


def history(trainer, stop=None):
    events = list(trainer.run(stop))
    losses = [x for e in events if isinstance(e, BatchEvent) for x in e.losses]
    epochs = [e for e in events if isinstance(e, EpochEvent)]
    return events, losses, epochs


def test_loss_falls_and_the_model_beats_its_baselines(tiny):
    tr = Trainer(tiny, TrainConfig(device="cpu", epochs=8, batch_size=64, n_factors=8, lr=1e-2))
    events, losses, epochs = history(tr)
    assert sum(losses[-10:]) / 10 < 0.6 * sum(losses[:10]) / 10
    assert epochs[-1].valid.rmse < tr.baselines.biases.rmse < tr.baselines.global_mean.rmse
    assert isinstance(events[-1], EndEvent) and events[-1].status == "finished"
    assert len(losses) == tr.total_steps == 8 * tr.steps_per_epoch


def test_events_carry_steps_lr_metrics_and_cpu_snapshots(tiny):
    tr = Trainer(tiny, TrainConfig(**SMALL))
    events, _, epochs = history(tr)
    steps = [s for e in events if isinstance(e, BatchEvent) for s in e.steps]
    assert steps == list(range(1, tr.total_steps + 1))
    assert [e.epoch for e in epochs] == [1, 2, 3]
    assert all(e.seconds > 0 and e.ratings_per_s > 0 for e in epochs)
    m = epochs[-1].valid
    assert math.isclose(m.rmse, math.sqrt(m.mse))
    snaps = [e for e in events if isinstance(e, SnapshotEvent)]
    assert snaps[0].step == 0 and snaps[-1].step == tr.total_steps
    assert snaps[-1].item_factors.device.type == "cpu"
    # a snapshot is a copy: training on does not change it
    assert not torch.equal(snaps[0].item_factors, snaps[-1].item_factors)


def test_same_seed_same_history_to_the_bit(tiny):
    _, a, ea = history(Trainer(tiny, TrainConfig(**SMALL)))
    _, b, eb = history(Trainer(tiny, TrainConfig(**SMALL)))
    _, c, _ = history(Trainer(tiny, TrainConfig(**SMALL, seed=1)))
    assert a == b and [e.valid for e in ea] == [e.valid for e in eb]
    assert a != c


def test_stop_and_resume_gives_the_uninterrupted_history(tiny):
    _, full, full_epochs = history(Trainer(tiny, TrainConfig(**SMALL)))
    tr = Trainer(tiny, TrainConfig(**SMALL))
    stop = threading.Event()
    losses = []
    for event in tr.run(stop):
        if isinstance(event, BatchEvent):
            losses.extend(event.losses)
            if event.steps[-1] >= 13:
                stop.set()
    assert tr.status == "stopped" and 13 <= tr.global_step < tr.total_steps
    stop.clear()
    _, rest, rest_epochs = history(tr, stop)
    assert losses + rest == full
    assert rest_epochs[-1].valid == full_epochs[-1].valid
    assert tr.status == "finished" and list(tr.run()) == []


@pytest.mark.parametrize(
    "kw",
    [dict(row_updates=False), dict(optimizer="SparseAdam", wd=0.0), dict(optimizer="SGD", lr=0.5)],
)
def test_fast_step_matches_autograd_training(tiny, kw):
    _, fast, _ = history(Trainer(tiny, TrainConfig(**SMALL, **kw)))
    _, slow, _ = history(Trainer(tiny, TrainConfig(**SMALL, **kw, fast_step=False)))
    assert_close(torch.tensor(fast), torch.tensor(slow), rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize(
    "kw",
    [
        dict(optimizer="SGD", lr=0.5),
        dict(optimizer="Adam", lr=1e-2),
        dict(optimizer="SparseAdam", wd=0.0, lr=1e-2),
        dict(schedule="constant", lr=5e-3),
        dict(model="DotProduct", y_range=None, lr=1e-2),
        dict(bias_wd=None, lr=1e-2),
        dict(row_updates=False),
        dict(model="DotProduct", y_range=None, lr=1e-2, wd=0.1),  # row updates, no bias
    ],
)
def test_every_optimizer_and_schedule_trains(tiny, kw):
    tr = Trainer(tiny, TrainConfig(**{**SMALL, **kw, "epochs": 6}))
    _, losses, epochs = history(tr)
    assert all(math.isfinite(x) for x in losses)
    assert epochs[-1].train_loss < epochs[0].train_loss


def test_divergence_is_caught_named_and_rolled_back(tiny):
    tr = Trainer(
        tiny,
        TrainConfig(
            **{
                **SMALL,
                "lr": 1000.0,  # the most the table allows
                "model": "DotProduct",
                "y_range": None,
                "optimizer": "SGD",
                "init": "normal",
            }
        ),
    )
    events, losses, _ = history(tr)
    end = events[-1]
    assert end.status == "diverged" and tr.status == "diverged"
    assert f"step {end.step}" in end.message and "Try" in end.message
    assert all(math.isfinite(x) for x in losses)
    for e in tr.model.embeddings():
        assert torch.isfinite(e.weight).all()
    assert list(tr.run()) == []  # a diverged run does not resume


def test_a_row_update_run_that_goes_nan_is_caught_and_rolled_back(tiny):
    ratings = tiny.ratings.clone()
    ratings[::40] = float("nan")  # a NaN target makes that batch's loss and gradient NaN
    tr = Trainer(replace(tiny, ratings=ratings), TrainConfig(**SMALL))
    assert tr.stepper is None or tr.stepper.rows is not None  # the default path
    events, losses, _ = history(tr)
    end = events[-1]
    assert tr.stepper.rows is not None
    assert end.status == "diverged" and f"step {end.step}" in end.message
    assert all(math.isfinite(x) for x in losses)
    for e in tr.model.embeddings():
        assert torch.isfinite(e.weight).all()


def test_official_split_is_used(ml100k_dir):
    from explorer.data.movielens import read_movielens

    r = read_movielens(ml100k_dir, split="u1")
    tr = Trainer(r, TrainConfig(device="cpu", official_split=True, epochs=1, n_factors=4))
    assert tr.split.how == "official split" and len(tr.split.valid) == int(r.is_valid.sum())


@pytest.mark.parametrize(
    ("kw", "needle"),
    [
        (dict(lr=-1.0), "lr"),
        (dict(epochs=0), "epochs"),
        (dict(optimizer="SparseAdam"), "SparseAdam has no weight decay"),
        (dict(model="MLP"), "model"),
        (dict(y_range=(5.0, 1.0)), "low < high"),
        (dict(bias_wd=-1.0), "bias_wd"),
    ],
)
def test_bad_configs_say_what_to_change(tiny, kw, needle):
    with pytest.raises(ValueError, match=needle):
        Trainer(tiny, TrainConfig(device="cpu", **kw))


def test_devices():
    assert resolve_device("cpu").type == "cpu"
    assert resolve_device("auto").type in ("cuda", "mps", "cpu")
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match="available: .*cpu"):
            resolve_device("cuda")


def test_a_run_past_the_servers_budget_is_refused_with_its_numbers(tiny, monkeypatch):
    monkeypatch.setenv("EXPLORER_MAX_RUN_RATINGS", "10000")  # tiny: 2,400 training ratings
    Trainer(tiny, TrainConfig(device="cpu", epochs=4))
    with pytest.raises(ValueError, match="2,400 ratings x 5 epochs = 12,000 rating steps"):
        Trainer(tiny, TrainConfig(device="cpu", epochs=5))
    monkeypatch.setenv("EXPLORER_MAX_RUN_MB", "1")
    with pytest.raises(ValueError, match="EXPLORER_MAX_RUN_MB"):
        Trainer(tiny, TrainConfig(device="cpu", epochs=1, n_factors=1000))
    # row updates keep a table of the schedule: 128 bytes a step, counted and named
    monkeypatch.setenv("EXPLORER_MAX_RUN_RATINGS", "100000000")
    monkeypatch.setenv("EXPLORER_MAX_RUN_MB", "64")
    long = dict(device="cpu", epochs=500, batch_size=1, n_factors=4)
    with pytest.raises(ValueError, match="for 1,200,000 steps.*a larger batch size"):
        Trainer(tiny, TrainConfig(**long))
    Trainer(tiny, TrainConfig(**long, row_updates=False))  # the dense step keeps no table


def test_the_memory_estimate_covers_a_real_run():
    from explorer.train.loop.plan import run_bytes

    # 10M ratings, 8M training, 100k users and items of 50 factors: about 0.6 GB
    assert 5e8 < run_bytes(10_000_000, 8_000_000, 100_000, 50) < 8e8


def test_a_run_never_takes_more_threads_than_the_cores(tiny, monkeypatch):
    from explorer import limits

    before = torch.get_num_threads()
    monkeypatch.setattr(limits, "cores", lambda: 1)
    try:
        tr = Trainer(tiny, TrainConfig(device="cpu", epochs=1, threads=64))
        list(tr.run())
        assert torch.get_num_threads() == 1
    finally:
        torch.set_num_threads(before)


def test_collab_nn_trains_by_autograd_and_beats_its_start(tiny):
    tr = Trainer(tiny, TrainConfig(device="cpu", model="CollabNN", epochs=4, lr=5e-3, wd=0.01))
    _, losses, epochs = history(tr)
    assert not tr.stepper.use_fast and all(math.isfinite(x) for x in losses)
    assert epochs[-1].train_loss < epochs[0].train_loss
    assert tr.model.user_factors.embedding_dim == round(1.6 * tiny.n_users**0.56)
    with pytest.raises(ValueError, match="CollabNN's layers need a dense optimizer"):
        TrainConfig(model="CollabNN", optimizer="SparseAdam", wd=0.0, bias_wd=0.0).check()
