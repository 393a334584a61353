"""The server's limits, set by its operator through environment variables, read when used.

Every visitor's runs and views are held to these, whatever a link or a widget says. The README
lists them; each has a default fit for a 2-4 core machine that a class shares.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_DATA = Path(__file__).resolve().parents[1] / "data"  # the app's own data/ folder


def _number(name: str, default: float, low: float) -> float:
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{name}={text!r} is not a number (unset it for {default:g}).") from None
    if not value >= low:
        raise ValueError(f"{name}={text!r} must be at least {low:g} (unset it for {default:g}).")
    return value


def cores() -> int:
    """CPU cores this process may run on (a container's share, where it has one)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def max_workers() -> int:
    """EXPLORER_MAX_WORKERS: training workers running at once, server-wide (default: cores)."""
    return int(_number("EXPLORER_MAX_WORKERS", cores(), 1))


def unwatched_s() -> float:
    """EXPLORER_UNWATCHED_S: a run that no page has looked at this long is stopped (90 s)."""
    return _number("EXPLORER_UNWATCHED_S", 90.0, 1.0)


def stopped_idle_s() -> float:
    """EXPLORER_STOPPED_IDLE_S: a stopped worker waits this long for Resume, then ends (300 s)."""
    return _number("EXPLORER_STOPPED_IDLE_S", 300.0, 1.0)


def max_run_bytes() -> int:
    """EXPLORER_MAX_RUN_MB: the memory one run may take (data, tables, optimizer; 1024 MB)."""
    return int(_number("EXPLORER_MAX_RUN_MB", 1024.0, 1.0) * 2**20)


def max_run_ratings() -> int:
    """EXPLORER_MAX_RUN_RATINGS: ratings x epochs one run may train on (500 million)."""
    return int(_number("EXPLORER_MAX_RUN_RATINGS", 5e8, 1.0))


def data_roots() -> list[Path]:
    """EXPLORER_DATA_ROOTS: the server folders visitors may read data from, separated by
    os.pathsep (":" on Linux). The app's data/ folder always; nothing else by default."""
    extra = [p for p in os.environ.get("EXPLORER_DATA_ROOTS", "").split(os.pathsep) if p]
    return [APP_DATA.resolve(), *(Path(p).expanduser().resolve() for p in extra)]


def machine_bytes() -> int:
    """The memory this process's machine has, or its container's limit where that is lower."""
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    for path in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        try:
            text = Path(path).read_text().strip()
        except OSError:
            continue
        if text.isdigit():
            total = min(total, int(text))
    return total


def max_server_bytes() -> int:
    """EXPLORER_MAX_SERVER_MB: the memory the server, its cached data and its training workers
    may take together (default: 80% of the machine's, or of the container's limit). Past it,
    Train waits for a worker to end, and data that would not fit is not loaded."""
    default = 0.8 * machine_bytes() / 2**20
    return int(_number("EXPLORER_MAX_SERVER_MB", round(default), 64.0) * 2**20)


def server_bytes() -> int:
    """The resident memory of this process (the server: its sessions, cached data sets and
    stopped runs' states), from /proc; 0 where there is none."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        return 0
    return pages * os.sysconf("SC_PAGE_SIZE")
