"""The trainer's fast step must be the same maths as autograd and torch's own optimizer."""

import pytest
import torch
from torch.testing import assert_close

from explorer.train.model.models import make_model
from explorer.train.step.fast_step import (
    AdamStep,
    SparseAdamStep,
    analytic_grads,
    analytic_row_grads,
)


@pytest.mark.parametrize("name", ["DotProduct", "DotProductBias"])
@pytest.mark.parametrize("y_range", [None, (0.0, 5.5)])
def test_analytic_gradient_equals_autograd(name, y_range):
    gen = torch.Generator().manual_seed(0)
    users = torch.randint(0, 9, (64,), generator=gen)  # repeats on purpose
    items = torch.randint(0, 11, (64,), generator=gen)
    target = torch.rand(64, generator=gen) * 5
    model = make_model(name, 9, 11, 6, y_range, init="normal", seed=1)
    loss = torch.nn.functional.mse_loss(model(users, items), target)
    loss.backward()
    expected = [e.weight.grad.clone() for e in model.embeddings()]
    for e in model.embeddings():
        e.weight.grad = torch.zeros_like(e.weight)
    fast_loss = analytic_grads(model, users, items, target)
    assert_close(fast_loss, loss.detach())
    for e, g in zip(model.embeddings(), expected, strict=True):
        assert_close(e.weight.grad, g, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("cls", [torch.optim.AdamW, torch.optim.Adam])
def test_adam_step_is_the_optimizers_own_step_bit_for_bit(cls):
    def setup():
        torch.manual_seed(0)
        params = [torch.nn.Parameter(torch.randn(7, 3)), torch.nn.Parameter(torch.randn(5, 1))]
        groups = [{"params": params[:1]}, {"params": params[1:], "weight_decay": 0.0}]
        opt = cls(groups, lr=1e-2, betas=(0.9, 0.99), weight_decay=0.1, fused=True)
        sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=1e-2, total_steps=20)
        return params, opt, sched

    grads = [[torch.randn(7, 3), torch.randn(5, 1)] for _ in range(10)]
    ref, opt_a, sched_a = setup()
    fast, opt_b, sched_b = setup()
    step = None
    for g in grads:
        for p, gi in zip(ref, g, strict=True):
            p.grad = gi.clone()
        opt_a.step()
        sched_a.step()
        for p, gi in zip(fast, g, strict=True):
            if p.grad is None:
                p.grad = gi.clone()
            else:
                p.grad.copy_(gi)
        if step is None:
            opt_b.step()
            step = AdamStep(opt_b)
        else:
            step()
        sched_b.step()
    for a, b in zip(ref, fast, strict=True):
        assert torch.equal(a, b)


def test_adam_step_refuses_an_unfused_optimizer():
    p = torch.nn.Parameter(torch.zeros(2))
    with pytest.raises(ValueError, match="fused"):
        AdamStep(torch.optim.Adam([p], foreach=True))


@pytest.mark.parametrize("name", ["DotProduct", "DotProductBias"])
def test_row_gradients_and_sparse_adam_step_match_torch_sparse_adam(name):
    gen = torch.Generator().manual_seed(3)
    batches = [
        (
            torch.randint(0, 9, (32,), generator=gen),
            torch.randint(0, 11, (32,), generator=gen),
            torch.rand(32, generator=gen) * 5,
        )
        for _ in range(8)
    ]
    ref = make_model(name, 9, 15, 4, (0.0, 5.5), init="normal", sparse=True, seed=1)
    fast = make_model(name, 9, 15, 4, (0.0, 5.5), init="normal", seed=1)
    start = fast.item_factors.weight.detach().clone()
    opt_ref = torch.optim.SparseAdam(list(ref.parameters()), lr=0.05, betas=(0.9, 0.99))
    opt_fast = torch.optim.SparseAdam(list(fast.parameters()), lr=0.05, betas=(0.9, 0.99))
    step = SparseAdamStep(opt_fast)
    for users, items, target in batches:
        opt_ref.zero_grad()
        loss = torch.nn.functional.mse_loss(ref(users, items), target)
        loss.backward()  # sparse gradients, as nn.Embedding(sparse=True) makes them
        opt_ref.step()
        fast_loss, rows = analytic_row_grads(fast, users, items, target)
        assert_close(fast_loss, loss.detach())
        step(rows)
    for a, b in zip(ref.parameters(), fast.parameters(), strict=True):
        assert_close(a, b, rtol=1e-5, atol=1e-6)
    # items 11..14 are in no batch: a lazy update leaves their rows exactly as they were
    assert torch.equal(fast.item_factors.weight[11:], start[11:])
    assert not torch.equal(fast.item_factors.weight[:11], start[:11])
