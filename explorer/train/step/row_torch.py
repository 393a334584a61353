"""RowAdamW's step in torch ops: any device, and the reference the compiled loop
(`row_kernel`) is tested against. The same maths as row_kernel, on gathered copies of the
batch's rows: catch up, forward and gradient, AdamW, scatter back. `opt` is the RowAdamW
whose tables and schedule each function reads (passed in, not imported: row_adamw imports
this module)."""

from __future__ import annotations

import math

import torch

from explorer.train.step.fast_step import score_grad
from explorer.train.step.schedule import BETA2, EPS


def catch_up(opt, w: torch.Tensor, moments: torch.Tensor, since: torch.Tensor):
    """Apply, in place, the steps from `since` (per row) to now, where the rows' gradient
    was zero: the momentum's moves, then the decay of weights and moments."""
    t, k = opt.t, opt.k
    d = opt.prefix[t] - opt.prefix.index_select(0, since)
    r = opt.coast.index_select(0, since) - d[:, 2].exp() * opt.coast[t]
    bias2 = opt.bias2.index_select(0, since).float().unsqueeze(1)
    m, v = moments[:, 0], moments[:, 1]
    denom = v.sqrt().div_(bias2).add_(EPS)
    w.addcdiv_(m * r.float().unsqueeze(1), denom, value=-1.0)
    f = d.exp_().float()
    if opt.wd:
        w[:, :k].mul_(f[:, 0:1])
    if opt.bias and opt.bias_wd:
        w[:, k:].mul_(f[:, 1:2])
    moments.mul_(f[:, 2:4].unsqueeze(-1))


def step(opt, rows: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """The same step in torch ops, on any device: `rows` holds users, then items."""
    t, k, b = opt.t, opt.k, len(target)
    with torch.no_grad():
        x = opt.block.index_select(0, rows)  # (2B, 3, C): a copy of the batch's rows
        w, mv = x[:, 0], x[:, 1:]
        catch_up(opt, w, mv, opt.last.index_select(0, rows))
        dz, err = _forward(opt, w[:b], w[b:], target)
        g = torch.empty_like(w)  # d(MSE)/d(row): each side's factors times dz
        torch.mul(w[b:, :k], dz, out=g[:b, :k])
        torch.mul(w[:b, :k], dz, out=g[b:, :k])
        if opt.bias:
            g[:, k].view(2, b).copy_(dz.view(1, b))
        opt.grad.index_add_(0, rows, g)  # a row in the batch twice gets both terms
        g = opt.grad.index_select(0, rows)
        opt.grad.index_fill_(0, rows, 0.0)
        _adamw(opt, w, x[:, 1], x[:, 2], g)
        opt.block.index_copy_(0, rows, x)  # repeated rows carry the same values
        opt.last.index_fill_(0, rows, t + 1)
        opt.t += 1
        return (err * err).mean()


def _forward(opt, eu: torch.Tensor, ei: torch.Tensor, target: torch.Tensor):
    """d(MSE)/d(score) per rating (B, 1) and the errors (B,)."""
    k = opt.k
    z = torch.linalg.vecdot(eu[:, :k], ei[:, :k])
    if opt.bias:
        z += eu[:, k]
        z += ei[:, k]
    return score_grad(z, target, opt.model.y_range)


def _adamw(opt, w, m, v, g) -> None:
    """torch's AdamW update (decoupled decay, bias-corrected moments) on gathered rows."""
    t, k = opt.t, opt.k
    lr, beta1 = opt.rates[t], opt.betas[t]
    m.lerp_(g, 1 - beta1)
    v.mul_(BETA2).addcmul_(g, g, value=1 - BETA2)
    if opt.wd:
        w[:, :k].mul_(1 - lr * opt.wd)
    if opt.bias and opt.bias_wd:
        w[:, k:].mul_(1 - lr * opt.bias_wd)
    bias1 = 1 - beta1 ** (t + 1)
    bias2 = 1 - BETA2 ** (t + 1)  # on the host: opt.bias2 lives on the device
    denom = v.sqrt().div_(math.sqrt(bias2)).add_(EPS)
    w.addcdiv_(m, denom, value=-lr / bias1)
