"""MovieLens readers: the 100k format, the CSV format (ml-latest), and the 1M format.

`read_movielens(path)` takes a folder or a zip and recognises the format by its files.
Zips are read member by member in memory: nothing is extracted, so no member path can
escape the data folder.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from explorer.data.archive import MAX_MEMBER_BYTES, Files
from explorer.data.checks import CheckFailed, check_table, lines_of
from explorer.data.csvfile import read_csv_frame
from explorer.data.ratings import Ratings, ratings_from_frame

ML100K_GENRES = (
    "unknown",
    "Action",
    "Adventure",
    "Animation",
    "Children's",
    "Comedy",
    "Crime",
    "Documentary",
    "Drama",
    "Fantasy",
    "Film-Noir",
    "Horror",
    "Musical",
    "Mystery",
    "Romance",
    "Sci-Fi",
    "Thriller",
    "War",
    "Western",
)
ML100K_SPLITS = ("u1", "u2", "u3", "u4", "u5", "ua", "ub")


def detect_format(path: Path) -> str:
    """'100k', 'csv' or '1m', from the files a folder or zip holds."""
    files = Files(path)
    for fmt, marker in (("100k", "u.data"), ("csv", "ratings.csv"), ("1m", "ratings.dat")):
        if marker in files:
            return fmt
    passed = f" Passed over: {', '.join(files.skipped[:5])}." if files.skipped else ""
    raise ValueError(
        f"No MovieLens ratings found in {path}: expected u.data (100k), ratings.csv "
        f"(ml-latest) or ratings.dat (1M). Point at the folder that holds one of them.{passed}"
    )


def _read_table(buf, sep: str, names: list[str], usecols=None) -> pd.DataFrame:
    return pd.read_csv(
        buf,
        sep=sep,
        names=names,
        usecols=usecols,
        header=None,
        encoding="latin-1",
        engine="python" if len(sep) > 1 else "c",
    )


def _check_split(files: Files, path: Path, split: str) -> None:
    if split not in ML100K_SPLITS:
        raise ValueError(f"Unknown split {split!r}: choose one of {', '.join(ML100K_SPLITS)}.")
    if f"{split}.base" not in files or f"{split}.test" not in files:
        raise ValueError(f"{path} has no {split}.base / {split}.test: use the full u.data instead.")


def read_ml100k(path: Path, split: str | None = None) -> Ratings:
    """MovieLens 100k: u.data (or an official split's .base + .test) and u.item."""
    files = Files(path)
    cols = ["user", "item", "rating", "timestamp"]
    is_valid = None
    if split:
        _check_split(files, path, split)
        base, test = f"{split}.base", f"{split}.test"
        train = _read_table(files.open(base), "\t", cols)
        valid = _read_table(files.open(test), "\t", cols)
        frame = pd.concat([train, valid], ignore_index=True)
        is_valid = np.r_[np.zeros(len(train), bool), np.ones(len(valid), bool)]
        n = len(train)
        where = lambda i: f"{base} line {i + 1}" if i < n else f"{test} line {i - n + 1}"  # noqa: E731
    else:
        frame = _read_table(files.open("u.data"), "\t", cols)
        where = lines_of("u.data")
    frame = check_table(frame[["user", "item", "rating"]], where, scale=(1.0, 5.0))
    titles = genres = None
    if "u.item" in files:
        names = ["item", "title", "release", "video", "url", *ML100K_GENRES]
        items = _read_table(files.open("u.item"), "|", names)
        flags = items[list(ML100K_GENRES)].to_numpy()
        # the first genre flagged, skipping "unknown" where another is set
        first = np.where(flags[:, 1:].any(1), flags[:, 1:].argmax(1) + 1, 0)
        titles = dict(zip(items["item"], items["title"], strict=True))
        genres = dict(zip(items["item"], np.asarray(ML100K_GENRES)[first], strict=True))
    source = f"MovieLens 100k ({split} split)" if split else "MovieLens 100k"
    return ratings_from_frame(frame, source, (1.0, 5.0), titles, genres, is_valid)


def _genre_labels(movies: pd.DataFrame) -> dict:
    first = movies["genres"].fillna("unknown").str.split("|").str[0]
    return dict(zip(movies["item"], first.replace("(no genres listed)", "unknown"), strict=True))


def read_ml_csv(path: Path) -> Ratings:
    """MovieLens CSV format (ml-latest, ml-25m): ratings.csv and movies.csv with headers,
    parsed as an upload is (csvfile.read_csv_frame: the same encodings, separators, ragged
    lines refused) and checked as every door's ratings are."""
    files = Files(path)
    try:
        frame = read_csv_frame(files.open("ratings.csv").getvalue(), MAX_MEMBER_BYTES)
    except ValueError as err:
        raise CheckFailed(f"ratings.csv: {err}") from None
    missing = [c for c in ("userId", "movieId", "rating") if c not in frame.columns]
    if missing:
        raise CheckFailed(
            f"ratings.csv has no column {', '.join(missing)} (its columns: "
            f"{', '.join(map(str, frame.columns))}): MovieLens's CSV format has userId, "
            "movieId, rating, timestamp under a header row."
        )
    frame = frame[["userId", "movieId", "rating"]]
    frame = frame.set_axis(["user", "item", "rating"], axis=1)
    frame = check_table(frame, lines_of("ratings.csv", first_line=2), scale=(0.5, 5.0))
    titles = genres = None
    if "movies.csv" in files:
        movies = pd.read_csv(files.open("movies.csv")).rename(columns={"movieId": "item"})
        titles = dict(zip(movies["item"], movies["title"], strict=True))
        genres = _genre_labels(movies)
    return ratings_from_frame(frame, "MovieLens (CSV format)", (0.5, 5.0), titles, genres)


def read_ml1m(path: Path) -> Ratings:
    """MovieLens 1M: '::'-separated ratings.dat and movies.dat, latin-1."""
    files = Files(path)
    frame = _read_table(files.open("ratings.dat"), "::", ["user", "item", "rating", "ts"])
    frame = check_table(frame[["user", "item", "rating"]], lines_of("ratings.dat"), (1.0, 5.0))
    titles = genres = None
    if "movies.dat" in files:
        movies = _read_table(files.open("movies.dat"), "::", ["item", "title", "genres"])
        titles = dict(zip(movies["item"], movies["title"], strict=True))
        genres = _genre_labels(movies)
    return ratings_from_frame(frame, "MovieLens 1M", (1.0, 5.0), titles, genres)


RATINGS_FILES = ("u.data", "ratings.csv", "ratings.dat")  # 100k, the CSV format, 1M


def ratings_bytes(path: Path | str) -> int:
    """The size of the ratings file a MovieLens folder or zip holds, from its listing alone
    (0 where it holds none): what a reader's memory budget is checked against first."""
    path = Path(path)
    if not path.exists():
        return 0
    files = Files(path)
    return max((files.size(name) for name in RATINGS_FILES if name in files), default=0)


def read_movielens(path: Path | str, split: str | None = None) -> Ratings:
    """Read a MovieLens folder or zip in whichever of the three formats it holds."""
    path = Path(path)
    if not path.exists():
        raise ValueError(f"{path} does not exist: check the path, or download MovieLens 100k.")
    fmt = detect_format(path)
    if split and fmt != "100k":
        raise ValueError("Official splits (u1..u5, ua, ub) come with MovieLens 100k only.")
    if split:
        _check_split(Files(path), path, split)
    reader = {
        "100k": lambda: read_ml100k(path, split),
        "csv": lambda: read_ml_csv(path),
        "1m": lambda: read_ml1m(path),
    }[fmt]
    try:
        return reader()
    except CheckFailed as err:  # a row the checks named: the message says it all
        raise ValueError(f"{path}: {err}") from None
    except (ValueError, KeyError, UnicodeDecodeError, zipfile.BadZipFile, OSError) as err:
        raise ValueError(_damaged(path, fmt, err)) from None


def _damaged(path: Path, fmt: str, err: Exception) -> str:
    marker = {"100k": "u.data", "csv": "ratings.csv", "1m": "ratings.dat"}[fmt]
    first = str(err).splitlines()[0][:120] if str(err) else type(err).__name__
    how = {"100k": "Latin-1 text separated by tabs", "1m": "Latin-1 text separated by '::'"}
    read_as = f", read as {how[fmt]}" if fmt in how else ""
    return (
        f"{path}: {marker} could not be read as MovieLens {fmt}{read_as} (the reader said: "
        f"{first}). Each line must hold the same fields as GroupLens's files: fix the file, "
        "or, if it came from GroupLens, download it again."
    )
