"""The one test that trains on a GPU, where there is one; reported as skipped elsewhere.

Every other test pins device="cpu", where a seed gives the same run bit for bit."""

import math

import pytest
import torch

from explorer.train.config import TrainConfig
from explorer.train.loop.events import BatchEvent, EpochEvent
from explorer.train.loop.plan import predict
from explorer.train.loop.trainer import Trainer

pytestmark = pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device here")


@pytest.mark.parametrize(
    "optimizer,rows", [("AdamW", True), ("AdamW", False), ("SparseAdam", False)]
)
def test_a_few_steps_on_cuda_train_finite_and_falling(tiny, optimizer, rows):
    wd = 0.1 if optimizer == "AdamW" else 0.0
    config = TrainConfig(
        device="cuda",
        epochs=4,
        batch_size=64,
        n_factors=8,
        optimizer=optimizer,
        wd=wd,
        bias_wd=0.0,
        row_updates=rows,
    )
    tr = Trainer(tiny, config)
    events = list(tr.run())
    losses = [x for e in events if isinstance(e, BatchEvent) for x in e.losses]
    epochs = [e for e in events if isinstance(e, EpochEvent)]
    assert tr.device.type == "cuda" and tr.model.item_factors.weight.is_cuda
    assert all(math.isfinite(x) for x in losses) and len(losses) == tr.total_steps
    assert epochs[-1].train_loss < epochs[0].train_loss
    assert tr.model.item_factors.weight.shape == (tiny.n_items, 8)
    pred = predict(tr.model, tr.valid_u, tr.valid_i)
    assert pred.shape == tr.valid_r.shape and pred.device.type == "cpu"
