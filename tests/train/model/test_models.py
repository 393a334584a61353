import pytest
import torch
from torch.testing import assert_close

from explorer.train.model.models import DotProduct, DotProductBias, make_model, sigmoid_range


def test_dot_product_is_the_books_formula():
    m = make_model("DotProduct", 5, 7, 3, y_range=None, init="normal", seed=1)
    u, i = torch.tensor([0, 4, 4]), torch.tensor([6, 0, 6])
    oracle = (m.user_factors.weight[u] * m.item_factors.weight[i]).sum(1)
    assert_close(m(u, i), oracle)
    assert isinstance(m, DotProduct) and not isinstance(m, DotProductBias)


def test_dot_product_bias_adds_both_biases_inside_sigmoid_range():
    m = make_model("DotProductBias", 5, 7, 3, y_range=(0.0, 5.5), init="normal", seed=2)
    u, i = torch.tensor([1, 2]), torch.tensor([3, 3])
    raw = (m.user_factors.weight[u] * m.item_factors.weight[i]).sum(1)
    raw = raw + m.user_bias.weight[u, 0] + m.item_bias.weight[i, 0]
    assert_close(m(u, i), torch.sigmoid(raw) * 5.5)
    assert m.user_bias.weight.shape == (5, 1)


def test_predictions_stay_inside_y_range():
    m = make_model("DotProductBias", 50, 50, 8, y_range=(1.0, 5.0), init="normal", seed=0)
    with torch.no_grad():
        for e in m.embeddings():
            e.weight.mul_(100)  # push the raw scores far out
    out = m(torch.arange(50), torch.arange(50))
    assert out.min() >= 1.0 and out.max() <= 5.0


def test_sigmoid_range_matches_its_definition():
    x = torch.linspace(-5, 5, 11)
    assert_close(sigmoid_range(x, 0.5, 5.5), 0.5 + 5.0 * torch.sigmoid(x))


def test_inits_and_seeds():
    a = make_model("DotProduct", 100, 100, 20, None, "fastai", seed=3)
    b = make_model("DotProduct", 100, 100, 20, None, "fastai", seed=3)
    c = make_model("DotProduct", 100, 100, 20, None, "normal", seed=3)
    assert torch.equal(a.user_factors.weight, b.user_factors.weight)
    assert a.user_factors.weight.abs().max() <= 0.02 + 1e-6  # truncated at two std
    assert 0.8 < c.user_factors.weight.std() < 1.2


def test_bad_model_arguments():
    with pytest.raises(ValueError, match="Unknown model"):
        make_model("MLP", 2, 2, 2, None)
    with pytest.raises(ValueError, match="at least one factor"):
        make_model("DotProduct", 2, 2, 0, None)
    with pytest.raises(ValueError, match="Unknown init"):
        make_model("DotProduct", 2, 2, 2, None, init="xavier")
