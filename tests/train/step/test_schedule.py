"""The schedule table must be torch's OneCycleLR, step by step, and its running products the
products of the steps they stand for."""

import math

import pytest
import torch
from torch.testing import assert_close

from explorer.train.config import TrainConfig
from explorer.train.step.reference import make_optimizer, make_scheduler
from explorer.train.step.schedule import coast_table, one_cycle, prefix_table


@pytest.mark.parametrize("total", [2, 3, 7, 40, 1000])
def test_the_table_is_one_cycle_step_by_step(total):
    config = TrainConfig(lr=6e-3)
    opt = make_optimizer(
        config, [{"params": [torch.nn.Parameter(torch.zeros(2))]}], torch.device("cpu")
    )
    sched = make_scheduler(config, opt, total)
    rates, betas = [], []
    for _ in range(total):
        rates.append(opt.param_groups[0]["lr"])
        betas.append(opt.param_groups[0]["betas"][0])
        opt.step()
        sched.step()
    got_rates, got_betas = one_cycle(6e-3, total)
    assert_close(
        torch.tensor(got_rates), torch.tensor(rates, dtype=torch.float64), rtol=1e-12, atol=0
    )
    assert_close(
        torch.tensor(got_betas), torch.tensor(betas, dtype=torch.float64), rtol=1e-12, atol=0
    )


def test_a_constant_schedule_and_a_single_step_take_the_peak_rate():
    for rates, betas, n in (one_cycle(1e-2, 5, one_cycle=False) + (5,), one_cycle(1e-2, 1) + (1,)):
        assert rates.tolist() == [1e-2] * n and betas.tolist() == [0.9] * n


def test_prefix_rows_give_the_products_of_the_steps_between():
    rates, betas = one_cycle(5e-3, 30)
    table = prefix_table(rates, betas, (0.3, 0.0))
    s, t = 4, 17
    f = (table[t] - table[s]).exp()
    assert_close(f[0], torch.tensor(math.prod(1 - r * 0.3 for r in rates[s:t]), dtype=f.dtype))
    assert f[1] == 1.0  # no decay
    assert_close(f[2], torch.tensor(math.prod(betas[s:t]), dtype=f.dtype))
    assert_close(f[3], torch.tensor(0.99 ** (t - s), dtype=f.dtype))


@pytest.mark.parametrize("total", [1, 2, 25, 100])
def test_the_coast_table_is_the_sum_it_stands_for(total):
    rates, betas = one_cycle(5e-3, total)
    coast = coast_table(rates, betas)
    assert len(coast) == total + 1 and coast[-1] == 0.0

    def direct(s, t):
        return sum(
            rates[j] / (1 - betas[j] ** (j + 1)) * math.prod(betas[s : j + 1]) for j in range(s, t)
        )

    for s in range(total + 1):  # the table's own definition, from every step to the end
        assert_close(coast[s], torch.tensor(direct(s, total), dtype=torch.float64))
    s, t = total // 4, total - total // 3  # and the closed form of a row's skipped steps
    closed = coast[s] - math.prod(betas[s:t]) * coast[t]
    assert_close(closed, torch.tensor(direct(s, t), dtype=torch.float64))
