"""The short, runnable PyTorch code for the Lookup page's current settings."""

from __future__ import annotations

import torch

from explorer.lookup.compare import free_row
from explorer.lookup.config import LookupConfig, parse_indices


def lookup_snippet(config: LookupConfig) -> str:
    """Plain PyTorch that rebuilds both paths from one weight and checks they agree."""
    idx = parse_indices(config.indices)
    dtype = f"torch.{config.dtype}"
    opts = []
    if config.padding_idx is not None:
        opts.append(f"padding_idx={config.padding_idx}")
    if config.max_norm is not None:
        opts.append(f"max_norm={config.max_norm}")
    if config.sparse:
        opts.append("sparse=True")
    extra = "".join(", " + o for o in opts)
    init = {
        "embedding": "W.normal_(0, 1, generator=g)  # nn.Embedding's default",
        "linear": f"W.uniform_(-1 / {config.n} ** 0.5, 1 / {config.n} ** 0.5, generator=g)"
        "  # nn.Linear's default",
        "fastai": "nn.init.trunc_normal_(W, std=0.01, a=-0.02, b=0.02, generator=g)  # fastai",
    }[config.init]
    pad = ""
    if config.padding_idx is not None:
        pad = f"W[{config.padding_idx}] = 0  # nn.Embedding zeroes the padding row\n"
    inf_row = free_row(torch.tensor(idx), config.n) if config.put_inf else None
    if inf_row is not None:
        pad += f'W[{inf_row}, 0] = float("inf")  # a row the batch does not look up\n'
    lines = f"""import torch
import torch.nn.functional as F
from torch import nn

n, d = {config.n}, {config.d}
g = torch.Generator().manual_seed({config.seed})
W = torch.empty(n, d, dtype={dtype})
{init}
{pad}idx = torch.tensor({idx!r})

emb = nn.Embedding(n, d{extra}).to({dtype})
lin = nn.Linear(n, d, bias=False).to({dtype})
with torch.no_grad():
    emb.weight.copy_(W)        # (n, d)
    lin.weight.copy_(W.t())    # (d, n): Linear stores out x in, and computes x @ weight.T

one_hot = F.one_hot(idx, n).to({dtype})   # (*batch, n)
product = lin(one_hot)                  # (*batch, d)
lookup = emb(idx)                       # (*batch, d): rows of W, no arithmetic
print(torch.equal(product, lookup), (product - lookup).abs().max().item())
"""
    if inf_row is not None:
        lines += "# 0 x inf = NaN: column 0 of the product is NaN; the lookup is finite\n"
    if config.max_norm is not None:
        lines += (
            "# max_norm rescaled long rows of emb.weight during the lookup; the product did not\n"
        )
    if inf_row is None and config.max_norm is None:
        lines += "assert torch.equal(product, lookup)\n"
    return lines
