"""Any CSV of user, item, rating (and an optional title): column roles and strict checks.

Every problem raises a ValueError that names the problem, the first row where it is found
(1-based, counting the header as row 1, as a spreadsheet shows it) and the fix. The reader
builds nothing until every check has passed, so nothing half-loaded survives an error.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
import pandas as pd

from explorer.data.ratings import Ratings, ratings_from_frame

MAX_CSV_BYTES = 200 * 2**20
ROLE_NAMES = {
    "user": ("user", "userid", "user_id", "uid", "customer", "customer_id", "reader", "rater"),
    "item": (
        "item",
        "itemid",
        "item_id",
        "movie",
        "movieid",
        "movie_id",
        "iid",
        "product",
        "product_id",
        "book",
        "isbn",
        "song",
        "track",
    ),
    "rating": ("rating", "ratings", "score", "stars", "value", "rate", "grade"),
    "title": ("title", "name", "item_name", "movie_title", "product_name"),
}


@dataclass(frozen=True)
class Roles:
    """Which column plays which part; title is optional."""

    user: str
    item: str
    rating: str
    title: str | None = None


def _norm(name: str) -> str:
    return str(name).strip().lower().replace(" ", "_").replace("-", "_")


def infer_roles(columns: list[str]) -> dict[str, str | None]:
    """Guess each role's column from its name; None where no name fits."""
    found: dict[str, str | None] = {}
    for role, names in ROLE_NAMES.items():
        found[role] = next((c for c in columns if _norm(c) in names), None)
    return found


def read_csv_frame(data: bytes, max_bytes: int = MAX_CSV_BYTES) -> pd.DataFrame:
    """Parse CSV bytes with a header into a frame, with readable errors."""
    if len(data) > max_bytes:
        raise ValueError(
            f"The file is {len(data) / 2**20:,.1f} MiB; the limit is {max_bytes / 2**20:,.0f} MiB. "
            "Upload a sample of the ratings, or a MovieLens folder from disk."
        )
    if not data.strip():
        raise ValueError("The file is empty: upload a CSV with a header row and one rating a row.")
    try:
        frame = pd.read_csv(io.BytesIO(data), sep=None, engine="python", skipinitialspace=True)
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as err:
        raise ValueError(
            f"Could not read the file as CSV ({str(err).splitlines()[0]}). Save it as "
            "comma-separated text with a header row: user,item,rating."
        ) from None
    if frame.empty:
        raise ValueError(
            "The file has a header but no ratings: add one row per rating below the header."
        )
    return frame


def check_columns(frame: pd.DataFrame) -> list[str]:
    """The column names, or a ValueError when there are too few to hold ratings."""
    columns = [str(c) for c in frame.columns]
    if len(columns) < 3:
        raise ValueError(
            f"The file has {len(columns)} column(s), {columns}: a ratings CSV needs three, "
            "user, item and rating, under a header row."
        )
    return columns


def _first_bad_row(mask: np.ndarray) -> int:
    return int(np.flatnonzero(mask)[0]) + 2  # +1 for 1-based, +1 for the header row


def ratings_from_csv(
    frame: pd.DataFrame, roles: Roles | None = None, source: str = "uploaded CSV"
) -> Ratings:
    """Check a parsed CSV and turn it into Ratings; ValueError names the row and the fix."""
    columns = check_columns(frame)
    if roles is None:
        guess = infer_roles(columns)
        missing = [r for r in ("user", "item", "rating") if guess[r] is None]
        if missing:
            raise ValueError(
                f"No column for {', '.join(missing)} among {columns}: name the columns "
                "user, item and rating (or userId, movieId, rating), or pick each column's role."
            )
        roles = Roles(guess["user"], guess["item"], guess["rating"], guess["title"])
    chosen = [roles.user, roles.item, roles.rating]
    for col in chosen + ([roles.title] if roles.title else []):
        if col not in columns:
            raise ValueError(f"Column {col!r} is not in the file, whose columns are {columns}.")
    if len(set(chosen)) < 3:
        raise ValueError("User, item and rating must be three different columns.")
    for role in ("user", "item"):
        col = frame[getattr(roles, role)]
        if col.isna().any():
            raise ValueError(
                f"Row {_first_bad_row(col.isna().to_numpy())}: the {role} column "
                f"{getattr(roles, role)!r} is empty. Fill it in or delete the row."
            )
    raw = frame[roles.rating]
    values = pd.to_numeric(raw, errors="coerce")
    bad = values.isna().to_numpy()
    if bad.any():
        row = _first_bad_row(bad)
        raise ValueError(
            f"Row {row}: rating {raw.iloc[row - 2]!r} in column {roles.rating!r} is not a number. "
            "Ratings must be numbers like 4 or 3.5: fix or delete that row."
        )
    if not np.isfinite(values.to_numpy()).all():
        row = _first_bad_row(~np.isfinite(values.to_numpy()))
        raise ValueError(f"Row {row}: the rating is infinite. Use a finite number.")
    if values.nunique() < 2:
        raise ValueError(
            f"Every rating is {values.iloc[0]}: a model cannot learn preferences from a constant. "
            "Upload ratings that vary."
        )
    pairs = frame[[roles.user, roles.item]]
    dup = pairs.duplicated().to_numpy()
    if dup.any():
        row = _first_bad_row(dup)
        raise ValueError(
            f"Row {row}: user {pairs.iloc[row - 2, 0]} rated item {pairs.iloc[row - 2, 1]} "
            "twice. Keep one rating per (user, item) pair, e.g. the latest."
        )
    table = pd.DataFrame(
        {
            "user": frame[roles.user].to_numpy(),
            "item": frame[roles.item].to_numpy(),
            "rating": values.to_numpy(dtype=np.float32),
        }
    )
    titles = None
    if roles.title:
        titles = dict(zip(frame[roles.item], frame[roles.title].astype(str), strict=True))
    return ratings_from_frame(table, source, None, titles)


def read_ratings_csv(
    data: bytes, roles: Roles | None = None, source: str = "uploaded CSV"
) -> Ratings:
    """Parse and check CSV bytes in one call."""
    return ratings_from_csv(read_csv_frame(data), roles, source)
