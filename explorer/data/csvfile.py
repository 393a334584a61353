"""Any CSV of user, item, rating (and an optional title): column roles and strict checks.

Every problem raises a ValueError that names the problem, the first row where it is found
(1-based, counting the header as row 1, as a spreadsheet shows it) and the fix: the checks
are `checks.check_table`, the same for every door. Nothing is built until all have passed.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import pandas as pd

from explorer.data.checks import check_table
from explorer.data.ratings import Ratings, ratings_from_frame

MAX_CSV_BYTES = 100 * 2**20  # below Streamlit's maxUploadSize (200), so this message shows
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


def decode(data: bytes) -> str:
    """The file's text (see `decode_named`)."""
    return decode_named(data)[0]


def _utf16_without_bom(head: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' for text saved as UTF-16 without a byte order mark (every
    other byte zero, as ASCII is in UTF-16), else None."""
    even, odd = head[0::2], head[1::2]
    if len(head) < 8:
        return None
    if odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def decode_named(data: bytes) -> tuple[str, str]:
    """(the file's text, the encoding it was read as): UTF-8 (a BOM dropped), UTF-16 by its
    BOM or by its zero bytes, else Latin-1, as old spreadsheets save; ValueError for a file
    that is not text at all."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "UTF-16"
    if b"\x00" in data[:4096]:
        wide = _utf16_without_bom(data[:4096])
        if wide is not None:
            try:
                return data.decode(wide), wide.upper()
            except UnicodeDecodeError:
                pass
        raise ValueError(
            "The file is not text (it holds zero bytes, and is not UTF-16 either): save the "
            "ratings as a CSV file, not a spreadsheet or an archive."
        )
    try:
        return data.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "Latin-1"


def sniff_separator(lines: list[str]) -> str:
    """The separator of a few lines: the one candidate that splits every line into the same
    number (at least two) of fields, the most fields first; "," when none does."""
    best, best_fields = ",", 1
    for sep in (",", ";", "\t", "|"):
        counts = {line.count(sep) for line in lines if line.strip()}
        if len(counts) == 1 and (fields := counts.pop() + 1) > best_fields:
            best, best_fields = sep, fields
    return best


def _sep_name(sep: str) -> str:
    return {",": "commas", ";": "semicolons", "\t": "tabs", "|": "bars"}.get(sep, repr(sep))


def read_csv_frame(data: bytes, max_bytes: int = MAX_CSV_BYTES) -> pd.DataFrame:
    """Parse CSV bytes with a header into a frame (pandas' C engine), with readable errors.

    The separator is sniffed from the first lines (Excel's `sep=;` first line is obeyed);
    every column is read as text, so ids keep their exact form and ratings are checked later.
    """
    if len(data) > max_bytes:
        raise ValueError(
            f"The file is {len(data) / 2**20:,.1f} MiB; the limit is {max_bytes / 2**20:,.0f} MiB. "
            "Upload a sample of the ratings, or put the file in the server's data folder."
        )
    text, encoding = decode_named(data)
    if not text.strip():
        raise ValueError("The file is empty: upload a CSV with a header row and one rating a row.")
    head = text[:65536].splitlines()
    sep = None
    if head and head[0].strip().lower().startswith("sep=") and len(head[0].strip()) == 5:
        sep = head[0].strip()[4]
        text = text.split("\n", 1)[1] if "\n" in text else ""
        head = head[1:]
    sep = sep or sniff_separator(head[:50])
    try:
        frame = pd.read_csv(
            io.StringIO(text), sep=sep, dtype=str, skipinitialspace=True, engine="c"
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as err:
        said = str(err).splitlines()[0] if str(err) else type(err).__name__
        raise ValueError(
            f"Could not read the file as CSV, read as {encoding} text separated by "
            f"{_sep_name(sep)} (the parser said: {said}). Save it as comma-separated text with "
            "a header row, user,item,rating, and the same number of fields on every line."
        ) from None
    frame.columns = [str(c).strip() for c in frame.columns]
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
    table = frame[chosen].set_axis(["user", "item", "rating"], axis=1)
    named = {"user": roles.user, "item": roles.item, "rating": roles.rating}
    table = check_table(table, lambda i: f"row {i + 2}", columns=named)
    titles = None
    if roles.title:
        titles = dict(zip(table["item"], frame[roles.title].astype(str), strict=True))
    return ratings_from_frame(table, source, None, titles)


def read_ratings_csv(
    data: bytes, roles: Roles | None = None, source: str = "uploaded CSV"
) -> Ratings:
    """Parse and check CSV bytes in one call."""
    return ratings_from_csv(read_csv_frame(data), roles, source)
