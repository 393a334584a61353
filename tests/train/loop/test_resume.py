"""A run stopped, saved and continued by a fresh Trainer (as a fresh worker process does)
takes, bit for bit, the steps the same run takes without a stop."""

import pickle
import threading

import pytest
import torch

from explorer.train.config import TrainConfig
from explorer.train.loop import frames
from explorer.train.loop.events import BatchEvent, EpochEvent, SnapshotEvent
from explorer.train.loop.resume import load, nbytes, save
from explorer.train.loop.trainer import Trainer

SMALL = dict(device="cpu", epochs=3, batch_size=64, n_factors=8, snapshot_every=7, log_every=5)
PATHS = {
    "row updates": {},
    "dense fused AdamW": dict(row_updates=False),
    "autograd": dict(fast_step=False),
    "Adam": dict(optimizer="Adam", row_updates=False),
    "SGD": dict(optimizer="SGD", lr=1e-2),
    "SparseAdam": dict(optimizer="SparseAdam", wd=0.0, bias_wd=0.0),
    "constant rate": dict(schedule="constant", row_updates=False),
    "biased, rows": dict(model="DotProductBias"),
    "CollabNN": dict(model="CollabNN"),
    "one-hot": dict(model="DotProductBiasOneHot"),
}


def trainer(ratings, config, plan=None):
    tr = Trainer(ratings, config, plan=plan)
    tr.frames = frames.keeper_for(ratings, tr.model, tr.total_steps)
    return tr


def record(events):
    """What a run reports: every loss, every epoch's metrics, every snapshot's factors."""
    batches = [e for e in events if isinstance(e, BatchEvent)]
    losses = [(s, x) for e in batches for s, x in zip(e.steps, e.losses, strict=True)]
    epochs = [(e.epoch, e.train_loss, e.valid) for e in events if isinstance(e, EpochEvent)]
    snaps = [(e.step, e.item_factors) for e in events if isinstance(e, SnapshotEvent)]
    return losses, epochs, snaps


def stopped_after(tr, batches: int):
    """Run until `batches` loss reports have come, then stop (between two steps)."""
    stop, events = threading.Event(), []
    for event in tr.run(stop):
        events.append(event)
        if isinstance(event, BatchEvent) and batches:
            batches -= 1
            if batches == 0:
                stop.set()
    return events


@pytest.mark.parametrize("options", PATHS.values(), ids=PATHS.keys())
@pytest.mark.parametrize("batches", [3, 9])  # inside the first epoch; inside a later one
def test_a_fresh_trainer_continues_a_saved_run_bit_for_bit(tiny, options, batches):
    config = TrainConfig(**{**SMALL, **options})
    straight = trainer(tiny, config)
    whole = record(list(straight.run()))

    first = trainer(tiny, config)
    head = stopped_after(first, batches)
    assert first.status == "stopped" and 0 < first.global_step < first.total_steps
    state = pickle.loads(pickle.dumps(save(first)))  # as it crosses the worker's pipe
    del first  # nothing of the first trainer is left to lean on

    second = trainer(tiny, config, plan=straight.plan)
    load(second, state)
    tail = list(second.run())
    assert second.status == "finished"
    joined = [a + b for a, b in zip(record(head), record(tail), strict=True)]
    assert joined[0] == whole[0]  # every step's loss, the same floats
    assert joined[1] == whole[1]  # the epochs' train loss and validation metrics
    snaps = dict(joined[2])  # a stop adds a snapshot; each step's factors are the same
    for step, factors in whole[2]:
        torch.testing.assert_close(snaps[step], factors, rtol=0, atol=0)
    for name, value in straight.model.state_dict().items():
        torch.testing.assert_close(second.model.state_dict()[name], value, rtol=0, atol=0)
    a, b = straight.frames.replay(), second.frames.replay()
    assert a.steps == b.steps
    torch.testing.assert_close(a.items, b.items, rtol=0, atol=0)


def test_the_state_is_plain_arrays_of_a_known_size(tiny):
    tr = trainer(tiny, TrainConfig(**SMALL))
    stopped_after(tr, 3)
    state = save(tr)
    tables = sum(p.numel() * 4 for p in tr.model.parameters())
    assert 3 * tables <= nbytes(state)  # the weights and AdamW's two moments at least

    def leaves(x):
        if isinstance(x, dict):
            return [y for v in x.values() for y in leaves(v)]
        if isinstance(x, list | tuple):
            return [y for v in x for y in leaves(v)]
        return [x]

    assert not any(isinstance(x, torch.Tensor) for x in leaves(state))
