"""Shared fixtures: small data written by the tests themselves, never the real MovieLens."""

from __future__ import annotations

import functools
import os
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import streamlit.components.v2.manifest_scanner as manifest_scanner
import torch
from hypothesis import settings

from explorer.data.synthetic import synthetic_ratings

# Property tests: derandomized by default (CI and a plain `pytest` draw the same examples, so
# a run that passed passes again); HYPOTHESIS_PROFILE=explore draws new, random ones, more
settings.register_profile("ci", max_examples=40, derandomize=True, deadline=None, database=None)
settings.register_profile("explore", max_examples=1000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# Every AppTest scans the installed packages for components (0.1-0.2 s of metadata parsing, a
# few hundred times a run); what is installed does not change while the tests run: once.
manifest_scanner.scan_component_manifests = functools.cache(
    manifest_scanner.scan_component_manifests
)

# The fast lane (`./scripts/test.sh -m "not e2e and not worker"`) leaves out the browser and
# the worker processes; these folders and files are marked here, single tests where they are.
MARKED = {
    "tests/e2e/": "e2e",
    "tests/train/worker/test_runner.py": "worker",
    "tests/ui/train/": "worker",
}


def pytest_collection_modifyitems(config, items):
    root = Path(__file__).resolve().parents[1]
    for item in items:
        rel = Path(item.fspath).resolve().relative_to(root).as_posix()
        for prefix, mark in MARKED.items():
            if rel.startswith(prefix):
                item.add_marker(getattr(pytest.mark, mark))


@pytest.fixture(scope="session")
def tiny():
    """A small planted set: trains in well under a second."""
    return synthetic_ratings(3000, n_users=80, n_items=100, seed=1)


def write_ml100k(folder: Path, n_users: int = 12, n_items: int = 9, seed: int = 0) -> Path:
    """A small folder in the MovieLens 100k format: u.data, u.item, u1.base/u1.test."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    rows = []
    for u in range(1, n_users + 1):
        for i in rng.choice(np.arange(1, n_items + 1), size=5, replace=False):
            rows.append((u, int(i), int(rng.integers(1, 6)), 880000000 + len(rows)))
    lines = ["\t".join(map(str, r)) for r in rows]
    (folder / "u.data").write_text("\n".join(lines) + "\n")
    (folder / "u1.base").write_text("\n".join(lines[: len(lines) * 4 // 5]) + "\n")
    (folder / "u1.test").write_text("\n".join(lines[len(lines) * 4 // 5 :]) + "\n")
    items = []
    for i in range(1, n_items + 1):
        flags = ["0"] * 19
        flags[1 + i % 5] = "1"  # Action, Adventure, Animation, Children's, Comedy
        items.append(f"{i}|Film {i} (199{i % 10})|01-Jan-1995||http://x/{i}|" + "|".join(flags))
    items[0] = items[0].replace("Film 1", "Café Film 1")  # latin-1, as the real file
    (folder / "u.item").write_bytes(("\n".join(items) + "\n").encode("latin-1"))
    return folder


@pytest.fixture
def ml100k_dir(tmp_path):
    return write_ml100k(tmp_path / "ml-100k")


def zip_folder(folder: Path, target: Path, prefix: str = "") -> Path:
    with zipfile.ZipFile(target, "w") as z:
        for f in sorted(folder.iterdir()):
            z.write(f, prefix + f.name)
    return target


def ema_oracle(values: list[float], beta: float = 0.9) -> torch.Tensor:
    """fastai's debiased moving average, written with torch ops as the oracle."""
    v = torch.tensor(values, dtype=torch.float64)
    i = torch.arange(len(v), dtype=torch.float64)
    out = []
    for t in range(len(v)):  # avg_t = sum_j (1-beta) beta^(t-j) v_j, then / (1 - beta^(t+1))
        w = (1 - beta) * beta ** (t - i[: t + 1])
        out.append((w * v[: t + 1]).sum() / (1 - beta ** (t + 1)))
    return torch.stack(out)


def ratings_frame(r) -> pd.DataFrame:
    """A Ratings as a table with the original ids (and titles): what a reader read, to compare
    with a plain pandas read of the same file."""
    items = r.items.numpy()
    frame = pd.DataFrame(
        {
            "user": r.user_ids[r.users.numpy()],
            "item": r.item_ids[items],
            "rating": r.ratings.numpy(),
        }
    )
    if r.item_titles:
        frame["title"] = np.asarray(r.item_titles, dtype=object)[items]
    return frame
