import pytest
import torch

from explorer.train.recovery import planted_match


def test_planted_match_sees_rotations_and_noise():
    planted = torch.randn(200, 3, generator=torch.Generator().manual_seed(1))
    rot = torch.linalg.qr(torch.randn(3, 3, generator=torch.Generator().manual_seed(2)))[0]
    assert planted_match(planted @ rot * 3, planted) == pytest.approx(1.0, abs=1e-6)
    assert planted_match(torch.randn(200, 3), planted) < 0.2
