"""Lookup vs one-hot x Linear, forward and forward + backward, and the Lookup page's rerun time.

    python -m bench.lookup_speed [--device cpu|cuda] [--repeats 7]

Both paths are timed alternately in one run (explorer.lookup.cost.time_paths), so the machine's
noise hits them alike; the table prints their ratio.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import torch

from explorer.lookup.cost import time_paths

APP = Path(__file__).resolve().parents[1] / "app.py"


def path_table(device: str, repeats: int) -> None:
    print(f"\nLookup vs one-hot x Linear on {device}: d=50, batch 1024, median of {repeats}")
    print(f"{'n':>8} {'pass':>16} {'lookup ms':>10} {'one-hot ms':>11} {'one-hot / lookup':>17}")
    for n in (100, 1_000, 10_000, 100_000):
        for backward in (False, True):
            p = time_paths(n, 50, 1024, device, backward, repeats)
            what = "forward+backward" if backward else "forward"
            print(
                f"{n:>8,} {what:>16} {p.lookup_s * 1e3:>10.3f} {p.one_hot_s * 1e3:>11.3f} "
                f"{p.ratio:>16.1f}x"
            )


def page_rerun(repeats: int) -> None:
    """AppTest rerun of the Lookup page after an index change, at n=1,000, d=64."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params.update({"n": "1000", "d": "64"})
    at.run()
    times = []
    for k in range(repeats + 1):
        box = at.sidebar.text_input(key="lk_indices").set_value(f"{k}, {k + 1}, {k}")
        start = time.perf_counter()
        box.run()
        times.append(time.perf_counter() - start)
        assert not at.exception
    times = times[1:]  # the first rerun warms caches
    print(f"\nLookup page rerun after an index change (n=1,000, d=64), AppTest, {repeats} runs:")
    print(
        f"  median {statistics.median(times) * 1e3:.0f} ms, min {min(times) * 1e3:.0f} ms "
        f"(target: under 150 ms)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    path_table(args.device, args.repeats)
    page_rerun(args.repeats)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
