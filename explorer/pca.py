"""Two principal axes of a table's rows: the factor plots' projection, shared by the replay
(train/loop/frames.py), the analysis (view/analysis.py) and the live plot. Not training,
so it sits under every room, as settings and limits do."""

from __future__ import annotations

import torch


def pca_basis(x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(mean (k,), the first two principal axes (2, k)) of (n, k) rows, in float64.

    Each axis' sign is fixed (its largest loading is positive), so two snapshots of slowly
    changing factors get the same picture, not its mirror."""
    x = x.double()
    mean = x.mean(dim=0)
    if x.shape[1] == 1:
        return mean, torch.tensor([[1.0], [0.0]], dtype=torch.float64)
    _, _, vh = torch.linalg.svd(x - mean, full_matrices=False)  # vh: (k, k)
    comps = vh[:2]
    if len(comps) < 2:  # a single row: any second axis
        comps = torch.cat([comps, torch.zeros_like(comps)])
    signs = torch.sign(comps.gather(1, comps.abs().argmax(1, keepdim=True)))
    signs[signs == 0] = 1.0
    return mean, comps * signs


def project(x: torch.Tensor, mean: torch.Tensor, basis: torch.Tensor) -> torch.Tensor:
    """(n, k) rows on a basis from `pca_basis`: (n, 2) float32."""
    return ((x.double() - mean) @ basis.T).float()
