"""The factor plots' projection against torch's own SVD."""

import torch
from torch.testing import assert_close

from explorer.pca import pca_basis, project


def test_the_basis_is_the_top_two_right_singular_vectors_with_a_fixed_sign():
    g = torch.Generator().manual_seed(0)
    x = torch.randn(200, 5, generator=g) * torch.tensor([3.0, 1.5, 0.5, 0.2, 0.1])
    mean, basis = pca_basis(x)
    centred = x.double() - x.double().mean(0)
    _, s, vh = torch.linalg.svd(centred, full_matrices=False)
    assert_close(mean, x.double().mean(0))
    assert_close(basis.abs(), vh[:2].abs())  # the same axes, up to sign
    biggest = basis.gather(1, basis.abs().argmax(1, keepdim=True))
    assert bool((biggest > 0).all())  # the sign rule: the largest loading is positive
    xy = project(x, mean, basis)
    assert xy.shape == (200, 2) and xy.dtype == torch.float32
    assert_close(xy.double().var(0, correction=0), s[:2] ** 2 / 200, rtol=1e-5, atol=1e-6)


def test_a_mirrored_table_gets_the_same_picture():
    x = torch.randn(50, 4, generator=torch.Generator().manual_seed(1))
    a = project(x, *pca_basis(x))
    b = project(-x, *pca_basis(-x))
    assert_close(a.abs(), b.abs(), rtol=1e-5, atol=1e-5)


def test_one_factor_and_one_row_still_give_two_axes():
    one_factor = torch.randn(10, 1)
    mean, basis = pca_basis(one_factor)
    assert basis.shape == (2, 1)
    assert_close(project(one_factor, mean, basis)[:, 0], (one_factor[:, 0] - one_factor.mean()))
    _, basis = pca_basis(torch.randn(1, 3))
    assert basis.shape == (2, 3)
