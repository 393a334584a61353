"""The trainer's fast step must be the same maths as autograd and torch's own optimizer."""

import pytest
import torch
from torch.testing import assert_close

from explorer.fast_step import AdamStep, analytic_grads
from explorer.models import make_model


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
