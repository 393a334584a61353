"""Every fast variant of the step against the reference, in one place.

The reference (`explorer/train/step/reference.py`): autograd, torch's optimizer, fastai's
one-cycle, as plain torch runs them. The variants, each reached through `Stepper` as the
trainer reaches it: the closed-form gradient with torch's AdamW, AdamW on the touched rows in
torch ops, the same compiled (numba), and SparseAdam's closed-form row step. Batches here touch
every row, where the row step must be AdamW itself; tests/train/step/test_row_adamw.py covers
rows that sit out steps.
"""

import pytest
import torch
from torch.testing import assert_close

from explorer.train.config import TrainConfig
from explorer.train.model.models import make_model
from explorer.train.step.reference import make_optimizer, make_scheduler, param_groups
from explorer.train.step.row_adamw import RowAdamW, _kernel
from explorer.train.step.stepper import Stepper

N_USERS, N_ITEMS, STEPS = 7, 5, 12
NUMBA = pytest.mark.skipif(_kernel() is None, reason="numba is not installed")
VARIANTS = {  # name: (the config's switches, what Stepper must have chosen)
    "closed-form + torch AdamW": (dict(fast_step=True, row_updates=False), "fast"),
    "touched rows, torch ops": (dict(fast_step=True, row_updates=True), "rows-torch"),
    "touched rows, compiled": (dict(fast_step=True, row_updates=True), "rows-compiled"),
    "SparseAdam rows": (dict(fast_step=True, optimizer="SparseAdam", wd=0.0), "sparse"),
}


def _batches(seed: int = 0) -> list[tuple[torch.Tensor, ...]]:
    """Every (user, item) pair, shuffled, each step: every row in every batch."""
    gen = torch.Generator().manual_seed(seed)
    users = torch.arange(N_USERS).repeat_interleave(N_ITEMS)
    items = torch.arange(N_ITEMS).repeat(N_USERS)
    out = []
    for _ in range(STEPS):
        perm = torch.randperm(len(users), generator=gen)
        out.append((users[perm], items[perm], torch.rand(len(users), generator=gen) * 4 + 1))
    return out


def _model(config: TrainConfig):
    sparse = config.optimizer == "SparseAdam"
    return make_model(
        config.model, N_USERS, N_ITEMS, config.n_factors, config.y_range, config.init, sparse, 3
    )


def reference(config: TrainConfig, batches) -> tuple[list[torch.Tensor], list[float]]:
    """Plain torch: autograd, the optimizer and the schedule the reference module makes."""
    model = _model(config)
    opt = make_optimizer(config, param_groups(config, model), torch.device("cpu"))
    sched = make_scheduler(config, opt, STEPS)
    losses = []
    for users, items, target in batches:
        opt.zero_grad()
        loss = torch.nn.functional.mse_loss(model(users, items), target)
        loss.backward()
        opt.step()
        if sched is not None:
            sched.step()
        losses.append(float(loss.detach()))
    return [e.weight.detach().clone() for e in model.embeddings()], losses


def variant(config: TrainConfig, batches, compiled: bool | None) -> tuple[list, list, str]:
    model = _model(config)
    stepper = Stepper(model, config, STEPS)
    if stepper.rows is not None and compiled is False:  # the same maths in torch ops
        stepper.rows = RowAdamW(model, config, STEPS, compiled=False)
    losses = [float(stepper(*b)) for b in batches]
    stepper.settle()
    if stepper.rows is not None:
        chosen = "rows-compiled" if stepper.rows.kernel is not None else "rows-torch"
    elif stepper.sparse_step is not None:
        chosen = "sparse"
    else:
        chosen = "fast" if stepper.use_fast else "reference"
    return [e.weight.detach().clone() for e in model.embeddings()], losses, chosen


@pytest.mark.parametrize("model", ["DotProductBias", "DotProduct"])
@pytest.mark.parametrize(
    "name", [pytest.param(n, marks=NUMBA) if "compiled" in n else n for n in VARIANTS]
)
def test_each_variant_steps_as_the_reference_does(name, model):
    switches, expected = VARIANTS[name]
    y_range = (0.0, 5.5) if model == "DotProductBias" else None
    config = TrainConfig(model=model, n_factors=4, y_range=y_range, lr=0.05, **switches)
    batches = _batches()
    want, want_losses = reference(config, batches)
    compiled = {"rows-torch": False, "rows-compiled": True}.get(expected)
    got, got_losses, chosen = variant(config, batches, compiled)
    assert chosen == expected
    assert_close(torch.tensor(got_losses), torch.tensor(want_losses), rtol=1e-5, atol=1e-6)
    for g, w in zip(got, want, strict=True):
        assert_close(g, w, rtol=1e-4, atol=1e-6)  # float32 sums in another order


def test_without_the_fast_step_the_stepper_is_the_reference_itself():
    config = TrainConfig(n_factors=4, lr=0.05, fast_step=False, row_updates=False)
    batches = _batches(seed=1)
    want, want_losses = reference(config, batches)
    got, got_losses, chosen = variant(config, batches, None)
    assert chosen == "reference"
    assert got_losses == want_losses
    for g, w in zip(got, want, strict=True):
        assert torch.equal(g, w)  # the same ops in the same order: the same bits
