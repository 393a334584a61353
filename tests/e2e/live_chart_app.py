"""A page with the live view's canvas charts on fixed specs, for tests/e2e/test_live_chart.py."""

import torch

from explorer import live_charts
from explorer.ui.live_chart import live_chart

coords = torch.tensor([[0.0, 0.0], [1.0, 1.0], [2.0, 0.0], [0.0, 2.0]])
live_chart(
    live_charts.factor_spec(
        coords, ["Drama", "Comedy", "Drama", "Comedy"], ["Alpha", "Beta", "Gamma", "Delta"], "Items"
    ),
    "items",
)
live_chart(live_charts.rmse_spec([10, 20, 30], [1.2, 1.0, 0.9], {"global mean": 1.1}), "rmse")
