"""What one training worker adds to the server's memory, while it trains the defaults.

    .venv/bin/python -m bench.worker_memory [--runs 2] [--epochs 60]

The server's fork server is started (it imports torch and the compiled step once); then a run
of the default settings on the default data (the built-in synthetic set) trains in a fresh
worker, forked from it, and its memory is read from /proc/PID/smaps_rollup ten times a second:

- PSS: the worker's proportional share (its own pages, plus each shared page divided among
  the processes that map it: the fork server, this worker, the server);
- own (USS, private): the pages only this worker holds, what it adds above the fork server:
  the memory a second, third, ... worker costs the machine;
- the fork server's PSS and own, and RSS, beside them.

Goal (the speed issue): a worker under 150 MB above the fork server. Runs one after another,
each in a fresh worker: one to its end, one stopped halfway (the worker then sends the run's
whole state home and ends: a stopped run holds no process); the medians and peaks of each.
"""

from __future__ import annotations

import argparse
import statistics
import time

from bench.browser import children, fork_servers
from bench.load import memory_mb

GOAL_MB = 150


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2, help="runs, each in a fresh worker")
    parser.add_argument("--epochs", type=int, default=60, help="long enough to sample")
    args = parser.parse_args(argv)

    import os

    import torch

    from explorer.data.choice import DataChoice
    from explorer.data.synthetic import synthetic_ratings
    from explorer.train.config import TrainConfig
    from explorer.train.worker.runner import TrainingRun
    from explorer.train.worker.worker import warm_up

    torch.set_num_threads(1)  # as the server sets it
    warm_up(wait=True)
    servers = fork_servers(os.getpid())
    choice = DataChoice()
    ratings = synthetic_ratings(choice.n_ratings, n_genres=choice.genres, seed=choice.data_seed)
    config = TrainConfig(epochs=args.epochs, device="cpu")
    print(
        f"defaults: {config.model}, n_factors {config.n_factors}, batch {config.batch_size}, "
        f"{args.epochs} epochs of {len(ratings.ratings):,} synthetic ratings"
    )
    cases = [(k, stop) for k in range(args.runs) for stop in (False, True)]
    for k, stop_half in cases:
        known = set(children(servers[0])) if servers else set()
        run = TrainingRun(ratings, config)
        run.start()
        samples, worker, stopped = [], None, False
        half = run.plan.steps_per_epoch * args.epochs // 2
        while True:  # from its first step until its process has ended (the end's work too)
            if stop_half and not stopped and run.view().global_step >= half:
                run.stop()  # the worker sends the run's whole state home, and ends
                stopped = True
            if worker is None and servers:
                new = set(children(servers[0])) - known
                worker = min(new) if new else None
            if worker is not None and run.view().global_step > 0:
                m = memory_mb(worker)
                if not m["Rss"]:
                    break  # gone
                samples.append(m)
            if not run.running and worker is None:
                break
            time.sleep(0.05)
        run.join(60)
        server = memory_mb(servers[0]) if servers else {"Pss": 0, "Own": 0, "Rss": 0}
        name = f"run {k + 1}" + (", stopped halfway" if stop_half else ", to its end")
        if not samples:
            print(f"{name}: no sample of the worker (it ended too soon: more --epochs)")
            continue
        for key, what in (
            ("Own", f"own, above the fork server (goal: under {GOAL_MB} MB)"),
            ("Pss", "PSS, with its share of the fork server's pages"),
            ("Rss", "RSS"),
        ):
            vals = [s[key] for s in samples]
            print(
                f"{name}: worker {what}: median {statistics.median(vals):.0f} MB, "
                f"peak {max(vals):.0f} MB"
            )
        print(
            f"{name}: {len(samples)} samples over {run.view().train_seconds:.1f} s; "
            f"fork server PSS {server['Pss']:.0f} MB, own {server['Own']:.0f} MB, "
            f"RSS {server['Rss']:.0f} MB; worker gone after the run: "
            f"{worker not in children(servers[0]) if servers else 'n/a'}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
