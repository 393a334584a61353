"""Sizes in words: 1536 -> '1.5 KiB'."""

from __future__ import annotations


def format_bytes(n: float) -> str:
    """1536 -> '1.5 KiB'."""
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if n < 1024 or unit == "TiB":
            return f"{n:,.0f} {unit}" if unit == "B" else f"{n:,.1f} {unit}"
        n /= 1024
    raise AssertionError("unreachable")


def format_bytes_apart(need: float, limit: float) -> tuple[str, str]:
    """Two sizes in words that do not read the same when they differ: 4,194,304 bytes and a
    need 100 bytes above it are '4.0 MiB' both at one decimal, so more decimals, or bytes."""
    a, b = format_bytes(need), format_bytes(limit)
    if a != b or need == limit:
        return a, b
    for digits in (3, 6):
        a, b = (_format(x, digits) for x in (need, limit))
        if a != b:
            return a, b
    return f"{need:,.0f} bytes", f"{limit:,.0f} bytes"


def _format(n: float, digits: int) -> str:
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if n < 1024 or unit == "TiB":
            return f"{n:,.{digits}f} {unit}"
        n /= 1024
    raise AssertionError("unreachable")
