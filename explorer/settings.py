"""One declaration per setting: its label, help, bounds, step, choices and widget.

Each field of `TrainConfig` and `LookupConfig` carries a `Setting` in its dataclass metadata.
From that one table come the page's widget (`explorer/ui/widgets.py`), the link's parser
(`explorer/view/links.py`), the command line's flag and its `--help` (`explorer/__main__.py`)
and the field's check here, as the TensorFlow Playground's state table drives its URL: change
a bound here and all four follow. Checks that tie two fields together stay in the config.
"""

from __future__ import annotations

import dataclasses
import math
import typing
from dataclasses import dataclass
from typing import Any

WIDGETS = ("number", "slider", "select", "radio", "checkbox", "text", "pair")


@dataclass(frozen=True)
class Setting:
    """How one config field is bounded, explained and shown."""

    label: str  # the widget's label
    help: str  # the widget's tooltip and the flag's --help
    low: float | None = None  # smallest allowed value (of each number, for a pair)
    high: float | None = None  # largest allowed value
    above: bool = False  # low itself is not allowed: the value must be greater
    step: float | None = None  # the widget's step
    choices: tuple[str, ...] = ()  # the allowed values of a text field
    labels: tuple[str, ...] = ()  # what the widget shows for each choice (default: the value)
    widget: str = "number"  # one of WIDGETS
    fmt: str | None = None  # printf format of a number box
    group: str = ""  # the sidebar header it is drawn under
    why: str = ""  # said after an out-of-range message: what the bound protects

    def __post_init__(self):
        if self.widget not in WIDGETS:
            raise ValueError(f"widget must be one of {WIDGETS}, not {self.widget!r}")
        if self.labels and len(self.labels) != len(self.choices):
            raise ValueError("labels, when given, name every choice, in order")

    def label_of(self, choice: str) -> str:
        """What the widget shows for one choice."""
        if self.labels and choice in self.choices:
            return self.labels[self.choices.index(choice)]
        return str(choice)


def setting(default: Any, label: str, help: str, **kw: Any) -> Any:
    """A dataclass field with its Setting: `n_factors: int = setting(50, "n_factors", ...)`."""
    return dataclasses.field(default=default, metadata={"setting": Setting(label, help, **kw)})


@dataclass(frozen=True)
class Entry:
    """One row of a config's table: the field, its type and its Setting."""

    name: str
    kind: Any  # the declared type, Optional taken off
    optional: bool  # None (an empty box) is allowed
    default: Any
    setting: Setting

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")


def table(cls: type) -> list[Entry]:
    """The settings of a config dataclass, in field order (read anew: tests may change one)."""
    hints = typing.get_type_hints(cls)
    rows = []
    for f in dataclasses.fields(cls):
        kind, args = hints[f.name], typing.get_args(hints[f.name])
        optional = type(None) in args
        if optional:
            kind = next(a for a in args if a is not type(None))
        rows.append(Entry(f.name, kind, optional, f.default, f.metadata["setting"]))
    return rows


def entry(cls: type, name: str) -> Entry:
    """The table row of one field."""
    return next(e for e in table(cls) if e.name == name)


def parse_value(text: str, kind: Any, optional: bool = False) -> Any:
    """Read one value from text by its declared type; ValueError if it does not parse."""
    text = text.strip()
    if optional and text.lower() in ("", "none"):
        return None
    if typing.get_origin(kind) is tuple:
        args = typing.get_args(kind)
        parts = text.split(",")
        if len(parts) != len(args):
            raise ValueError(f"expected {len(args)} comma-separated values")
        return tuple(parse_value(p, a) for p, a in zip(parts, args, strict=True))
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


def parse_entry(e: Entry, text: str) -> Any:
    """Parse text for one table row."""
    return parse_value(text, e.kind, e.optional)


def _number(x: float) -> str:
    """A number as a message prints it: whole numbers exactly (up to 1e18, with commas),
    others to six significant digits."""
    if isinstance(x, int) and abs(x) < 10**18:
        return f"{x:,}"
    if math.isfinite(x) and float(x).is_integer() and abs(x) < 1e18:
        return f"{int(x):,}"
    return f"{x:g}"


def _apart(x: float, bound: float) -> str:
    """x in enough digits that it does not read as the bound it broke."""
    for digits in (6, 9, 12, 17):
        if f"{x:.{digits}g}" != f"{bound:.{digits}g}":
            return f"{x:.{digits}g}"
    return repr(x)


def bounds_text(e: Entry) -> str:
    """What the row allows, in words: 'between 1 and 1,000', 'one of a, b', 'above 0'."""
    s = e.setting
    if s.choices:
        text = "one of " + ", ".join(s.choices)
    elif s.low is not None and s.high is not None:
        text = f"between {_number(s.low)} and {_number(s.high)}"
        text = ("above " + _number(s.low) + f" and at most {_number(s.high)}") if s.above else text
    elif s.low is not None:
        text = f"{'above' if s.above else 'at least'} {_number(s.low)}"
    elif s.high is not None:
        text = f"at most {_number(s.high)}"
    else:
        text = ""
    if e.optional and text:
        text += ", or empty"
    return text


def _in_bounds(s: Setting, x: float) -> bool:
    if not math.isfinite(x):
        return False
    low_ok = s.low is None or (x > s.low if s.above else x >= s.low)
    return low_ok and (s.high is None or x <= s.high)


def problem(e: Entry, value: Any) -> str | None:
    """Why `value` is not allowed for this row, naming the field; None when it is."""
    s, name = e.setting, e.name
    if value is None:
        return None if e.optional else f"{name} needs a value"
    if e.kind is bool:
        return None if isinstance(value, bool) else f"{name} must be 1 or 0"
    if e.kind is str:
        if not isinstance(value, str):
            return f"{name} must be text"
        if s.choices and value not in s.choices:
            return f"{name} must be one of {', '.join(s.choices)} (not {value!r})"
        return None
    numbers = value if isinstance(value, tuple) else (value,)
    parts = typing.get_args(e.kind) or (e.kind,)
    whole = all(a is int for a in parts)
    for x in numbers:
        if isinstance(x, bool) or not isinstance(x, int | float):
            return f"{name} must be a number (not {x!r})"
        if whole and not isinstance(x, int):
            return f"{name} must be a whole number (not {x!r})"
        if not _in_bounds(s, x):
            why = f" ({s.why})" if s.why else ""
            value = _number(x)
            for bound in (s.low, s.high):
                if bound is not None and math.isfinite(x) and value == _number(bound):
                    value = _apart(x, bound)  # 9,007,199,254,740,992.0 is not its bound
            return f"{name} must be {bounds_text(e)}, not {value}{why}"
    return None


def problems(config: Any) -> list[str]:
    """Every row of a config whose value its Setting does not allow."""
    found = (problem(e, getattr(config, e.name)) for e in table(type(config)))
    return [p for p in found if p]


def check_settings(config: Any) -> None:
    """Raise ValueError with the first field out of its bounds."""
    found = problems(config)
    if found:
        raise ValueError(found[0] + ".")
