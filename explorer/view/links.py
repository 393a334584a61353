"""Config dataclasses <-> URL query parameters, driven by the dataclass fields alone.

A shared link reproduces a view: every field is written as text and read back with its
declared type. A value that does not parse is dropped (the default stays) and reported.
"""

from __future__ import annotations

import dataclasses
import typing
from typing import Any, TypeVar

T = TypeVar("T")


def _encode(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, tuple):
        return ",".join(_encode(v) for v in value)
    return str(value)


def parse_value(text: str, kind: Any) -> Any:
    """Read one field value from text, by its declared type (Optional, tuple, bool, int...)."""
    args = typing.get_args(kind)
    if type(None) in args:  # Optional[X]
        if text == "" or text.lower() == "none":
            return None
        kind = next(a for a in args if a is not type(None))
        args = typing.get_args(kind)
    origin = typing.get_origin(kind)
    if origin is tuple:
        parts = text.split(",")
        if len(parts) != len(args):
            raise ValueError(f"expected {len(args)} comma-separated values")
        return tuple(parse_value(p.strip(), a) for p, a in zip(parts, args, strict=True))
    if kind is bool:
        if text.lower() in ("1", "true", "yes", "on"):
            return True
        if text.lower() in ("0", "false", "no", "off"):
            return False
        raise ValueError("expected 1 or 0")
    if kind is int:
        return int(text)
    if kind is float:
        return float(text)
    return text


def to_query(config: Any) -> dict[str, str]:
    """Every field of a config dataclass as text."""
    return {f.name: _encode(getattr(config, f.name)) for f in dataclasses.fields(config)}


def from_query(cls: type[T], query: typing.Mapping[str, str]) -> tuple[T, list[str]]:
    """Build cls from query text; fields that are absent or do not parse keep their defaults."""
    hints = typing.get_type_hints(cls)
    values, problems = {}, []
    for f in dataclasses.fields(cls):
        if f.name not in query:
            continue
        try:
            values[f.name] = parse_value(str(query[f.name]), hints[f.name])
        except (ValueError, StopIteration):
            problems.append(f"{f.name}={query[f.name]!r} in the link was not understood")
    return cls(**values), problems
