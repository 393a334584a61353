"""What each path costs: a multiply-add and byte model, and a measured timing sweep."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from explorer.settings import setting

INDEX_BYTES = 8  # torch.long


@dataclass(frozen=True)
class SweepChoice:
    """The measured sweep's settings: one table row each, like the configs'."""

    passes: str = setting(
        "forward",
        "Pass",
        "What is timed: the forward pass alone, or forward and backward.",
        choices=("forward", "forward + backward"),
        widget="radio",
    )
    batch: int = setting(
        1024, "Batch", "Indices looked up in each timed pass.", low=1, high=8192, step=1
    )


@dataclass(frozen=True)
class PathCost:
    """The work one forward pass does, for `batch` indices into an (n, d) table."""

    name: str
    multiply_adds: int
    bytes_read: int  # weight rows or whole weight, plus the input
    bytes_written: int  # the output, plus any one-hot the path has to build
    input_bytes: int  # what the caller hands in: indices, or the one-hot matrix


def lookup_cost(batch: int, n: int, d: int, itemsize: int = 4) -> PathCost:
    """Row lookup: reads batch*d numbers (and batch indices), does no arithmetic."""
    return PathCost(
        name="Embedding lookup",
        multiply_adds=0,
        bytes_read=batch * d * itemsize + batch * INDEX_BYTES,
        bytes_written=batch * d * itemsize,
        input_bytes=batch * INDEX_BYTES,
    )


def one_hot_cost(batch: int, n: int, d: int, itemsize: int = 4) -> PathCost:
    """One-hot x Linear: builds a (batch, n) input, then batch*n*d multiply-adds over all of W."""
    one_hot = batch * n * itemsize
    return PathCost(
        name="one-hot x Linear",
        multiply_adds=batch * n * d,
        bytes_read=n * d * itemsize + one_hot,
        bytes_written=batch * d * itemsize + one_hot,
        input_bytes=one_hot,
    )


@dataclass(frozen=True)
class SweepPoint:
    """One measured size: median seconds of each path, forward or forward + backward."""

    n: int
    lookup_s: float
    one_hot_s: float

    @property
    def ratio(self) -> float:
        return self.one_hot_s / self.lookup_s


def _sync(device: str) -> None:
    if device.startswith("cuda"):
        torch.cuda.synchronize()


def time_paths(
    n: int, d: int, batch: int, device: str = "cpu", backward: bool = False, repeats: int = 5
) -> SweepPoint:
    """Median time of lookup and one-hot x W.T at one size, measured alternately, side by side."""
    gen = torch.Generator().manual_seed(0)
    weight = torch.randn(n, d, generator=gen).to(device).requires_grad_(backward)  # (n, d)
    idx = torch.randint(0, n, (batch,), generator=gen).to(device)  # (batch,)
    upstream = torch.randn(batch, d, generator=gen).to(device)  # (batch, d)

    def lookup() -> None:
        out = F.embedding(idx, weight)
        if backward:
            out.backward(upstream)

    def product() -> None:
        out = F.one_hot(idx, n).to(weight.dtype) @ weight  # the one-hot is built inside the path
        if backward:
            out.backward(upstream)

    times: dict[str, list[float]] = {"lookup": [], "product": []}
    for fn in (lookup, product):  # warm-up
        fn()
    for _ in range(repeats):
        for name, fn in (("lookup", lookup), ("product", product)):
            _sync(device)
            start = time.perf_counter()
            fn()
            _sync(device)
            times[name].append(time.perf_counter() - start)
    med = {k: sorted(v)[len(v) // 2] for k, v in times.items()}
    return SweepPoint(n=n, lookup_s=med["lookup"], one_hot_s=med["product"])


def sweep(
    ns: list[int], d: int, batch: int, device: str = "cpu", backward: bool = False, repeats: int = 5
) -> Iterator[SweepPoint]:
    """Yield one SweepPoint per n, so a caller can show progress as it goes."""
    for n in ns:
        yield time_paths(n, d, batch, device, backward, repeats)
