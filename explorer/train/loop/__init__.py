"""The training loop: a run's plan, built once and checked against the server's budget, and
the Trainer that yields events (batches, epochs, snapshots, the end) and never draws; the
loss history, the replay's frames, the rollback after a divergence.

May import: `explorer.train.step`, `explorer.train.model`, `explorer.train.config`, data.
"""
