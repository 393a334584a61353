"""Training the book's models, in rooms by job; imports run one way inside, as outside:

    worker -> loop -> step -> model -> config

- `config.py`  TrainConfig: one table row per setting, the choices (models, inits,
               optimizers, schedules) declared once, and the split a config asks for.
- `model/`     the book's models (DotProduct, DotProductBias, CollabNN) and what measures
               them (baselines, RMSE, the planted-structure score). Plain torch.
- `step/`      the optimizer step: the reference (torch's optimizers and fastai's one-cycle,
               `reference.py`) and its fast variants side by side (closed-form gradients,
               AdamW on the touched rows in torch ops and compiled), chosen by `Stepper`.
- `loop/`      the training loop that yields events and never draws: the plan (checked
               against the server's budget, built once), the trainer, its events, the loss
               history, the replay's frames, the rollback after a divergence.
- `worker/`    the worker process that runs the loop for the page, the server's cap
               (slots), and what the page reads of a run (record, results, run view).

Everything here may import `explorer.data`, `settings`, `limits`, `devices` and `pca`;
nothing imports view or ui (tests/test_architecture.py).
"""
