"""The optimizer step: one home for the reference and its fast variants.

- `reference.py`  the reference: torch's optimizers (AdamW, Adam, SGD, SparseAdam) and
                  fastai's one-cycle schedule, as torch itself runs them.
- `schedule.py`   fastai's betas, eps and one-cycle shape, declared once, as a table.
- `fast_step.py`  variant 1: the dot product's gradient in closed form, then torch's AdamW.
- `row_adamw.py`  variant 2: AdamW on the touched rows (RowAdamW), exact for the skipped
                  steps; its maths in torch ops (`row_torch.py`, any device) and as one
                  compiled loop (`row_kernel.py`, numba, the CPU), warmed by `warm.py`.
- `stepper.py`    Stepper: which of these a config gets, one call a batch.

Every variant is tested against the reference in tests/train/step/test_variants.py.
May import: `explorer.train.model`, `explorer.train.config`, and what is under them.
"""
