"""The book's recipe in plain torch, as a yardstick: DataLoader over a TensorDataset, bs 64.

Same model (DotProductBias, 50 factors, y_range (0, 5.5)), AdamW with wd 0.1 and fastai's
betas, one-cycle to 5e-3, 5 epochs. Used by bench/train_speed.py, in two forms:

- `batched=False`: the loader as a reader of chapter 8 writes it,
  `DataLoader(TensorDataset(...), batch_size=64, shuffle=True)`: 64 item lookups and a collate
  per batch.
- `batched=True`: the same recipe as fast as plain PyTorch lets it be: the loader's sampler
  hands out whole batches of indices (`BatchSampler(RandomSampler(...), 64)`,
  `batch_size=None`), so each batch is one gather per tensor, and AdamW is torch's fused
  kernel (`fused=True`). Same shuffle, batches, model, optimizer and schedule.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import torch
from torch.utils.data import BatchSampler, DataLoader, RandomSampler, TensorDataset

from explorer.train.model.baselines import metrics
from explorer.train.model.models import make_model


def reference_run(
    train: tuple[torch.Tensor, ...],
    test: tuple[torch.Tensor, ...],
    n_users: int,
    n_items: int,
    epochs: int = 5,
    batch_size: int = 64,
    lr: float = 5e-3,
    wd: float = 0.1,
    seed: int = 0,
    device: str = "cpu",
    batched: bool = False,
) -> Iterator[tuple[int, float, float]]:
    """Yield (epoch, cumulative training seconds, test RMSE) after each epoch.

    train and test stay on the CPU, as a DataLoader's data does; each batch goes to `device`.
    """
    torch.manual_seed(seed)
    model = make_model("DotProductBias", n_users, n_items, 50, (0.0, 5.5), seed=seed).to(device)
    test = tuple(t.to(device) for t in test)
    data = TensorDataset(*train)
    if batched:  # a TensorDataset indexed by a list of indices returns the whole batch
        sampler = BatchSampler(RandomSampler(data), batch_size=batch_size, drop_last=False)
        loader = DataLoader(data, sampler=sampler, batch_size=None)
    else:
        loader = DataLoader(data, batch_size=batch_size, shuffle=True)
    opt = torch.optim.AdamW(
        model.parameters(),
        lr=lr,
        betas=(0.9, 0.99),
        eps=1e-5,
        weight_decay=wd,
        fused=batched or None,  # the fast form: torch's one-kernel AdamW
    )
    sched = torch.optim.lr_scheduler.OneCycleLR(
        opt, max_lr=lr, total_steps=epochs * len(loader), pct_start=0.25, final_div_factor=1e5
    )
    elapsed = 0.0
    for epoch in range(1, epochs + 1):
        start = time.perf_counter()
        for u, i, r in loader:
            u, i, r = u.to(device), i.to(device), r.to(device)
            loss = torch.nn.functional.mse_loss(model(u, i), r)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
        if device.startswith("cuda"):
            torch.cuda.synchronize()
        elapsed += time.perf_counter() - start
        with torch.no_grad():
            rmse = metrics(model(test[0], test[1]), test[2]).rmse
        yield epoch, elapsed, rmse
