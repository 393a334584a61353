"""The baselines every run is measured against, against plain torch."""

import torch
from torch.testing import assert_close

from explorer.train.model.baselines import baselines, fit_biases, metrics


def test_metrics_are_torchs_mse_its_root_and_the_mean_absolute_error():
    g = torch.Generator().manual_seed(0)
    pred, target = torch.rand(50, generator=g) * 5, torch.rand(50, generator=g) * 5
    m = metrics(pred, target)
    mse = torch.nn.functional.mse_loss(pred.double(), target.double())
    assert_close(torch.tensor(m.mse), mse.float(), rtol=1e-6, atol=0)
    assert_close(torch.tensor(m.rmse), mse.sqrt().float(), rtol=1e-6, atol=0)
    assert_close(torch.tensor(m.mae), (pred - target).abs().mean(), rtol=1e-6, atol=0)


def test_the_biases_solve_the_regularised_least_squares_problem():
    g = torch.Generator().manual_seed(1)
    n_users, n_items, n = 6, 5, 200
    users = torch.randint(0, n_users, (n,), generator=g)
    items = torch.randint(0, n_items, (n,), generator=g)
    ratings = torch.randint(1, 6, (n,), generator=g).float()
    mu, bu, bi = fit_biases(users, items, ratings, n_users, n_items, reg=3.0, iters=500)
    # the oracle: the normal equations of min sum (r - mu - bu - bi)^2 + 3 (|bu|^2 + |bi|^2)
    x = torch.zeros(n, n_users + n_items, dtype=torch.float64)
    x[torch.arange(n), users] = 1.0
    x[torch.arange(n), n_users + items] = 1.0
    a = x.T @ x + 3.0 * torch.eye(n_users + n_items, dtype=torch.float64)
    b = torch.linalg.solve(a, x.T @ (ratings.double() - mu))
    assert_close(torch.cat([bu, bi]), b, rtol=1e-6, atol=1e-8)


def test_the_baselines_are_scored_on_the_validation_rows(tiny):
    train, valid = torch.arange(0, 2400), torch.arange(2400, 3000)
    u, i, r = tiny.users, tiny.items, tiny.ratings
    base = baselines(u, i, r, train, valid, tiny.n_users, tiny.n_items)
    mean = r[train].double().mean()
    assert_close(
        torch.tensor(base.global_mean.rmse), (r[valid] - mean).pow(2).mean().sqrt().float()
    )
    assert base.biases.rmse < base.global_mean.rmse
