import torch

from explorer.train.model.recovery import planted_match


def test_planted_match_sees_rotations_and_noise():
    planted = torch.randn(200, 3, generator=torch.Generator().manual_seed(1))
    rot = torch.linalg.qr(torch.randn(3, 3, generator=torch.Generator().manual_seed(2)))[0]
    assert planted_match(planted @ rot * 3, planted) > 0.999
    assert planted_match(torch.randn(200, 3), planted) < 0.2


def test_random_factors_recover_nothing_even_when_they_outnumber_the_items():
    gen = torch.Generator().manual_seed(3)
    planted = torch.randn(50, 2, generator=gen)
    scores = [planted_match(torch.randn(50, 50, generator=gen) * 0.01, planted) for _ in range(5)]
    assert max(scores) < 0.15  # in-sample, 51 regressors on 50 items gave 1.00


def test_held_out_it_still_finds_a_noisy_planted_map():
    gen = torch.Generator().manual_seed(4)
    planted = torch.randn(400, 2, generator=gen)
    learned = torch.cat([planted, torch.randn(400, 8, generator=gen)], dim=1)
    learned = learned + 0.1 * torch.randn(400, 10, generator=gen)
    assert planted_match(learned, planted) > 0.9
