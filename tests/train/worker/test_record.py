"""What the page reads of a run: a real trainer's events, recorded."""

import torch

from explorer.train.config import TrainConfig
from explorer.train.loop.events import BatchEvent, EndEvent, EpochEvent, SnapshotEvent
from explorer.train.loop.trainer import Trainer
from explorer.train.worker.record import RunRecord


def test_every_event_of_a_run_lands_in_the_view(tiny):
    trainer = Trainer(tiny, TrainConfig(epochs=2, device="cpu", n_factors=4))
    rec = RunRecord(trainer.config.lr, trainer.config.batch_size, trainer.total_steps)
    assert rec.view().status == "ready"
    rec.begin_training()
    events = list(trainer.run())
    for e in events:
        rec.record(e, planted=0.5 if isinstance(e, SnapshotEvent) else None)
    v = rec.view()
    batches = [e for e in events if isinstance(e, BatchEvent)]
    assert v.steps == [s for b in batches for s in b.steps]
    assert v.losses == [x for b in batches for x in b.losses]
    assert [e.epoch for e in v.epochs] == [1, 2]
    assert v.epochs == [e for e in events if isinstance(e, EpochEvent)]
    end = events[-1]
    assert isinstance(end, EndEvent) and v.status == end.status == "finished"
    assert v.global_step == v.total_steps == trainer.total_steps and v.progress == 1.0
    assert v.planted and all(score == 0.5 for _, score in v.planted)
    assert v.seconds_left is None and v.train_seconds > 0
    snapshots = [e for e in events if isinstance(e, SnapshotEvent)]
    assert v.snapshot is snapshots[-1] and len(v.planted) == len(snapshots)
    assert torch.equal(v.snapshot.item_factors, trainer.model.item_factors.weight.detach())
