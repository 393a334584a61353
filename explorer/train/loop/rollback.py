"""The last weights checked finite, and the way back to them when a run diverges.

torch's optimizers step the model's parameters: those are checked, and copied, at every loss
report (every `log_every` steps). Row updates keep the weights in their own block and would
walk both whole tables to do the same: they check and copy at snapshots and at each epoch's
end instead; in between, a weight gone NaN shows in the loss of the next batch that uses it.
"""

from __future__ import annotations

import torch

from explorer.train.step.stepper import Stepper


class Rollback:
    def __init__(self, params: list[torch.Tensor], stepper: Stepper):
        self.params, self.rows = params, stepper.rows
        self.good: list[torch.Tensor] = []

    def start(self) -> None:
        """The weights a run starts or resumes from are its first good ones."""
        if self.rows is not None:
            self.rows.save_good()
        else:
            self.good = [p.detach().clone() for p in self.params]

    def report(self) -> bool:
        """At a loss report: False if a weight is no longer finite; else keep them."""
        if self.rows is not None:
            return True
        if not all(bool(torch.isfinite(p).all()) for p in self.params):
            return False
        for p, g in zip(self.params, self.good, strict=True):
            g.copy_(p.detach())
        return True

    def checkpoint(self) -> bool:
        """At a snapshot or an epoch's end: the same, for row updates."""
        if self.rows is None:
            return True
        if not self.rows.finite():
            return False
        self.rows.save_good()
        return True

    def restore(self) -> None:
        if self.rows is not None:
            self.rows.restore_good()
            return
        with torch.no_grad():
            for p, g in zip(self.params, self.good, strict=True):
                p.copy_(g)
