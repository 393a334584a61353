"""One prediction step by step: every number equals what the model itself returns."""

import pytest
import torch
from torch.testing import assert_close

from explorer.train.model.models import make_model
from explorer.view.prediction import prediction_steps


@pytest.mark.parametrize(
    ("name", "y_range"),
    [("DotProduct", (0.0, 5.5)), ("DotProductBias", (0.0, 5.5)), ("DotProductBias", None)],
)
def test_the_steps_add_up_to_the_models_own_prediction(name, y_range):
    model = make_model(name, 7, 9, 5, y_range, "normal", seed=3)
    users, items = torch.tensor([0, 3, 6, 6]), torch.tensor([8, 0, 4, 8])
    expected = model(users, items).detach()  # (batch,): one score per pair
    for k, (u, i) in enumerate(zip(users.tolist(), items.tolist(), strict=True)):
        s = prediction_steps(model, u, i)
        assert_close(s.user_row, model.user_factors.weight[u].detach())  # a row lookup
        assert_close(s.item_row, model.item_factors.weight[i].detach())
        assert_close(s.product.sum(), torch.tensor(s.dot))
        assert_close(torch.tensor(s.raw), model.raw(users, items)[k].detach())
        assert_close(torch.tensor(s.prediction), expected[k])
        assert (s.user_bias is None) == (name == "DotProduct")


def test_collab_nn_follows_its_own_chain_to_the_models_prediction():
    model = make_model("CollabNN", 30, 40, 8, (0.0, 5.5), "normal", seed=2)  # widths: the rule
    users, items = torch.tensor([1, 29]), torch.tensor([39, 0])
    expected = model(users, items).detach()
    for k, (u, i) in enumerate(zip(users.tolist(), items.tolist(), strict=True)):
        s = prediction_steps(model, u, i)
        names = [name for name, _ in s.layers]
        assert names[0].startswith("torch.cat") and "Linear" in names[1] and "ReLU" in names[2]
        cat = s.layers[0][1]
        assert_close(
            cat, torch.cat([model.user_factors.weight[u], model.item_factors.weight[i]]).detach()
        )
        assert s.layers[-1][1].shape == (1,) and s.product is None
        assert_close(torch.tensor(s.prediction), expected[k])
