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


def test_a_one_hot_table_is_nn_linear_on_one_hot_rows():
    from explorer.train.model.models import OneHotLinear

    g = torch.Generator().manual_seed(0)
    table = OneHotLinear(6, 3)
    with torch.no_grad():
        table.weight.copy_(torch.randn(6, 3, generator=g))
    linear = torch.nn.Linear(6, 3, bias=False)  # the oracle: plain torch's nn.Linear
    with torch.no_grad():
        linear.weight.copy_(table.weight.T)
    idx = torch.tensor([4, 0, 4, 2])
    upstream = torch.randn(4, 3, generator=g)
    out = table(idx)
    want = linear(torch.nn.functional.one_hot(idx, 6).float())
    torch.testing.assert_close(out, want, rtol=0, atol=0)
    out.backward(upstream)
    want.backward(upstream)
    torch.testing.assert_close(table.weight.grad, linear.weight.grad.T)


@pytest.mark.parametrize("name", ["DotProduct", "DotProductBias"])
def test_the_one_hot_twin_starts_from_the_same_weights_and_predicts_the_same(name):
    emb = make_model(name, 9, 7, 4, (0.0, 5.5), seed=3)
    one_hot = make_model(name + "OneHot", 9, 7, 4, (0.0, 5.5), seed=3)
    pairs = list(zip(emb.parameters(), one_hot.parameters(), strict=True))
    assert len(pairs) == (4 if "Bias" in name else 2)
    for a, b in pairs:
        assert torch.equal(a, b)
    users, items = torch.tensor([0, 8, 3, 3]), torch.tensor([6, 0, 2, 2])
    torch.testing.assert_close(one_hot(users, items), emb(users, items))


def test_trained_both_ways_the_loss_curves_lie_on_each_other(tiny):
    from explorer.train.config import TrainConfig
    from explorer.train.loop.events import BatchEvent
    from explorer.train.loop.trainer import Trainer

    curves = []
    for model in ("DotProductBias", "DotProductBiasOneHot"):
        config = TrainConfig(model=model, fast_step=False, row_updates=False, device="cpu")
        events = Trainer(tiny, config).run()
        curves.append(
            torch.tensor([x for e in events if isinstance(e, BatchEvent) for x in e.losses])
        )
    assert len(curves[0]) == len(curves[1]) > 10
    # the same numbers, summed in another order (index lookups against a matrix product):
    # float32 rounding, about one unit in the last place of a loss near 1
    assert float((curves[0] - curves[1]).abs().max()) <= 1e-5
