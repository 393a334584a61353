"""Which data the Train page trains on, as a link holds it: one table row per setting."""

from __future__ import annotations

from dataclasses import dataclass

from explorer.data.movielens import ML100K_SPLITS
from explorer.data.synthetic import GENRES, MAX_RATINGS, MIN_GENRES, MIN_RATINGS
from explorer.settings import setting

SOURCES = ("synthetic", "ml-100k", "folder", "upload")
SOURCE_LABELS = ("Built-in synthetic", "MovieLens 100k", "MovieLens folder or zip", "Upload a CSV")


@dataclass(frozen=True)
class DataChoice:
    """The data source and its settings; an upload cannot travel in a link, the rest can."""

    data: str = setting(
        "synthetic",
        "Source",
        "synthetic: the built-in set; ml-100k: MovieLens 100k; folder: a MovieLens folder or "
        "zip on the server; upload: a CSV of your own (it cannot travel in a link).",
        choices=SOURCES,
        labels=SOURCE_LABELS,
        widget="radio",
    )
    n_ratings: int = setting(
        20_000,
        "Ratings",
        "Size of the generated set.",
        low=MIN_RATINGS,
        high=MAX_RATINGS,
        step=10_000,
    )
    genres: int = setting(
        6,
        "Genres",
        "How many planted genres the items fall into.",
        low=MIN_GENRES,
        high=len(GENRES),
        step=1,
        widget="slider",
    )
    data_seed: int = setting(
        0, "Data seed", "The same seed gives the same ratings.", low=0, high=2**31 - 1, step=1
    )
    split: str = setting(
        "",
        "Official split (optional)",
        "u1..u5, ua, ub: the test rows become the validation set; empty: none.",
        choices=("", *ML100K_SPLITS),
        labels=("(none)", *ML100K_SPLITS),
        widget="select",
    )
    path: str = setting(
        "",
        "Folder or zip on the server",
        "Holding u.data (100k), ratings.csv or ratings.dat (1M), in one of the folders this "
        "server reads data from.",
        widget="text",
    )

    def split_problem(self) -> str | None:
        """Official splits are MovieLens 100k's: the widget offers one only there, but a
        link may name one with any source."""
        if self.split and self.data != "ml-100k":
            return (
                "only MovieLens 100k (data=ml-100k) has official splits, and this link's data "
                f"is {self.data!r}"
            )
        return None
