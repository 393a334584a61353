"""What the page reads of a run's model: its validation rows, predictions and metrics."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import torch

from explorer.train.loop.plan import predict
from explorer.train.model.baselines import Metrics, metrics
from explorer.train.model.models import DotProduct


class RunResults:
    """Reading a TrainingRun's model (self.model, self.plan, self.ratings, self._lock)."""

    @contextlib.contextmanager
    def reading(self) -> Iterator[DotProduct]:
        """The model, held still: the worker's weights are not loaded into it meanwhile."""
        with self._lock:
            yield self.model

    def valid_rows(self) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """The validation users, items and ratings: (n_valid,) each, on the CPU."""
        v, r = self.plan.split.valid, self.ratings
        return r.users[v], r.items[v], r.ratings[v]

    def predict_valid(self) -> torch.Tensor:
        """The model's predictions of the validation ratings: (n_valid,)."""
        users, items, _ = self.valid_rows()
        with self._lock:
            return predict(self.model, users, items)

    def evaluate(self) -> Metrics:
        """Validation metrics of the model as the worker last sent it."""
        return metrics(self.predict_valid(), self.valid_rows()[2])
