"""One set of checks for every door: the CSV upload, the MovieLens readers and the CLI.

A ratings table (columns user, item, rating, as read) passes here before it becomes Ratings.
Each problem raises a ValueError that names it, the first line where it is found, as an
editor shows it, and the fix; a table is built only after every check has passed, so nothing
half-loaded survives an error.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

MAX_ABS_RATING = 1e5  # ratings beyond this are refused: y_range follows the data, and the
# y_range a model can take is bounded (explorer/train/config.py; tests/data/test_checks.py)


class CheckFailed(ValueError):
    """A row that a check named: the message says what, where and what to do."""


def _text(column: pd.Series) -> bool:
    return column.dtype == object or pd.api.types.is_string_dtype(column)


def numbers(raw: pd.Series) -> pd.Series:
    """Ratings as float64, NaN where a value is no number. Decimal commas ('3,5', as a
    spreadsheet in many languages saves them) are read as decimal points."""
    if _text(raw):
        raw = raw.astype(str).str.strip().str.replace(",", ".", regex=False)
    return pd.to_numeric(raw, errors="coerce").astype(np.float64)


def _at(where: Callable[[int], str], i: int) -> str:
    """Where row i is, to start a sentence: "Row 5", "u1.test line 3"."""
    text = where(i)
    return text[:1].upper() + text[1:] if text.startswith("row") else text


def _show(value) -> str:
    """A cell as the file shows it: 'empty' for a missing one, never np.float64(nan)."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "empty"
    return repr(str(value)) if isinstance(value, str) else str(value)


def ids(raw: pd.Series) -> pd.Series:
    """Ids as read: whole numbers where every id is one (so 2 sorts before 10), else text."""
    if not _text(raw):
        return raw
    text = raw.astype(str).str.strip()
    as_int = pd.to_numeric(text, errors="coerce")
    if as_int.notna().all() and (as_int % 1 == 0).all():
        return as_int.astype(np.int64)
    return text


def check_table(
    frame: pd.DataFrame,
    where: Callable[[int], str],
    scale: tuple[float, float] | None = None,
    columns: dict[str, str] | None = None,
) -> pd.DataFrame:
    """Check a user, item, rating table; return it with its ids and float32 ratings.

    where(i): the file and line of row i, e.g. "row 5" or "u1.test line 3". scale: the
    ratings a format allows (MovieLens: 1 to 5); None for a file with a scale of its own.
    columns: each role's column name in the file, to name it in a message.
    """
    named = {role: f" {columns[role]!r}" if columns else "" for role in ("user", "item", "rating")}
    if frame.empty:
        raise CheckFailed("There are no ratings: add one row per rating below the header.")
    for role in ("user", "item"):
        column = frame[role]
        empty = column.isna()
        if _text(column):
            empty = empty | column.fillna("").astype(str).str.strip().eq("")
        empty = empty.to_numpy()
        if empty.any():
            raise CheckFailed(
                f"{_at(where, int(np.flatnonzero(empty)[0]))}: the {role} column"
                f"{named[role]} is empty. Fill it in or delete the row."
            )
    values = numbers(frame["rating"])
    bad = values.isna().to_numpy()
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise CheckFailed(
            f"{_at(where, i)}: rating {_show(frame['rating'].iloc[i])} in the rating "
            f"column{named['rating']} is not a number. Ratings must be numbers like 4 or 3.5: "
            "fix or delete that row."
        )
    # checked as the model holds them, float32: 1e308 is a finite float64 and inf in float32
    with np.errstate(over="ignore"):  # an overflow is what is being looked for
        as_model = values.to_numpy().astype(np.float32)
    finite = np.isfinite(as_model)
    if not finite.all():
        i = int(np.flatnonzero(~finite)[0])
        raise CheckFailed(
            f"{_at(where, i)}: rating {values.iloc[i]:g} is "
            + ("infinite" if not np.isfinite(values.iloc[i]) else "too large for float32")
            + f" (the model's numbers). Ratings must be within ±{MAX_ABS_RATING:g}: fix or "
            "delete that row."
        )
    huge = np.abs(as_model) > MAX_ABS_RATING
    if huge.any():
        i = int(np.flatnonzero(huge)[0])
        raise CheckFailed(
            f"{_at(where, i)}: rating {values.iloc[i]:g} is beyond ±{MAX_ABS_RATING:g}, the "
            "largest scale a model's y_range can follow here. Rescale the ratings, or fix or "
            "delete that row."
        )
    if scale is not None:
        out = ((values < scale[0]) | (values > scale[1])).to_numpy()
        if out.any():
            i = int(np.flatnonzero(out)[0])
            raise CheckFailed(
                f"{_at(where, i)}: rating {values.iloc[i]:g} is outside this format's "
                f"scale, {scale[0]:g} to {scale[1]:g}. The file may be damaged or edited: "
                "fix that row, or load the ratings as a CSV of your own."
            )
    if values.nunique() < 2:
        raise CheckFailed(
            f"Every rating is {values.iloc[0]:g}: a model cannot learn preferences from a "
            "constant. Use ratings that vary."
        )
    pairs = pd.DataFrame({"user": ids(frame["user"]), "item": ids(frame["item"])})
    dup = pairs.duplicated().to_numpy()
    if dup.any():
        i = int(np.flatnonzero(dup)[0])
        raise CheckFailed(
            f"{_at(where, i)}: user {_show(pairs['user'].iloc[i])} rated item "
            f"{_show(pairs['item'].iloc[i])} twice. Keep one rating per (user, item) pair, "
            "e.g. the latest."
        )
    return pd.DataFrame(
        {
            "user": ids(frame["user"]).to_numpy(),
            "item": ids(frame["item"]).to_numpy(),
            "rating": as_model,
        }
    )


def lines_of(name: str, first_line: int = 1) -> Callable[[int], str]:
    """where() for a file whose row i is on line first_line + i."""
    return lambda i: f"{name} line {first_line + i}"
