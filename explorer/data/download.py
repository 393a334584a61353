"""Download MovieLens 100k through pooch, checked against its published MD5."""

from __future__ import annotations

from pathlib import Path

import pooch
import requests

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
ML100K_URL = "https://files.grouplens.org/datasets/movielens/ml-100k.zip"
ML100K_HASH = "md5:0e33842e24a9c977be4e0107933c0723"  # GroupLens publishes ml-100k.zip.md5
ML100K_FILE = "ml-100k.zip"


def find_ml100k(data_dir: Path = DATA_DIR) -> Path | None:
    """The MovieLens 100k folder or zip already in data/, if any."""
    for candidate in (data_dir / "ml-100k", data_dir / ML100K_FILE):
        if (candidate / "u.data").exists() or candidate.suffix == ".zip" and candidate.exists():
            return candidate
    return None


def download_ml100k(
    data_dir: Path = DATA_DIR,
    url: str = ML100K_URL,
    known_hash: str | None = ML100K_HASH,
    progressbar=False,
    timeout: float = 30,
) -> Path:
    """Fetch the zip into data_dir (kept only if the checksum matches) and return its path.

    progressbar: False, True (tqdm), or an object with tqdm's total/update/reset/close.
    Raises RuntimeError with what to do by hand when the download or the checksum fails.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    by_hand = (
        f"Download {ML100K_URL} yourself and put the zip, or its ml-100k folder, in {data_dir}."
    )
    try:
        return Path(
            pooch.retrieve(
                url,
                known_hash=known_hash,
                fname=ML100K_FILE,
                path=data_dir,
                progressbar=progressbar,
                downloader=pooch.HTTPDownloader(progressbar=progressbar, timeout=timeout),
            )
        )
    except requests.RequestException as err:
        why = type(err).__name__
        raise RuntimeError(f"Could not download MovieLens 100k ({why}). {by_hand}") from None
    except ValueError as err:
        if "hash" not in str(err).lower():
            raise
        raise RuntimeError(
            f"The downloaded file does not match MovieLens 100k's checksum, so it was not kept. "
            f"{by_hand}"
        ) from None
