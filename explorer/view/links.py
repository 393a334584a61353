"""Config dataclasses <-> URL query parameters, driven by the settings table alone.

A shared link reproduces a view: every field is written as text and read back with its
declared type, then checked against the same bounds as its widget. A value that does not
parse or is out of bounds is reported by name and the default stays: never clamped silently.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from explorer.settings import parse_entry, problem, table

T = TypeVar("T")


def _encode(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, tuple):
        return ",".join(_encode(v) for v in value)
    return str(value)


def to_query(config: Any) -> dict[str, str]:
    """Every field of a config dataclass as text."""
    return {e.name: _encode(getattr(config, e.name)) for e in table(type(config))}


def from_query(cls: type[T], query: Mapping[str, str]) -> tuple[T, list[str]]:
    """Build cls from query text; fields that are absent, unreadable or out of bounds keep
    their defaults, and each of the last two is reported by name."""
    values, problems = {}, []
    for e in table(cls):
        if e.name not in query:
            continue
        text = str(query[e.name])
        shown = text if len(text) <= 40 else text[:40] + "..."
        try:
            value = parse_entry(e, text)
        except ValueError:
            problems.append(f"{e.name}={shown!r} in the link was not understood")
            continue
        why = problem(e, value)
        if why:
            problems.append(f"{e.name}={shown!r} in the link: {why}")
            continue
        values[e.name] = value
    return cls(**values), problems
