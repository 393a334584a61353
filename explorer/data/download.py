"""Download MovieLens 100k through pooch, checked against its published MD5."""

from __future__ import annotations

import time
from pathlib import Path

import pooch
import requests
from tqdm import tqdm

from explorer.limits import APP_DATA

DATA_DIR = APP_DATA  # the repository's data/ (git ignores it): never the package's own folder
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
    timeout: float = 10,
    deadline: float = 120,
) -> Path:
    """Fetch the zip into data_dir (kept only if the checksum matches) and return its path.

    progressbar: False, True (tqdm), or an object with tqdm's total/update/reset/close.
    timeout: seconds a read may wait; deadline: seconds the whole download may take (a
    server that sends a byte every few seconds never trips a read timeout alone).
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
                downloader=_Deadline(progressbar, timeout, deadline),
            )
        )
    except (requests.RequestException, TimeoutError) as err:
        why = type(err).__name__
        raise RuntimeError(f"Could not download MovieLens 100k ({why}). {by_hand}") from None
    except ValueError as err:
        if "hash" not in str(err).lower():
            raise
        raise RuntimeError(
            f"The downloaded file does not match MovieLens 100k's checksum, so it was not kept. "
            f"{by_hand}"
        ) from None


class _Deadline:
    """pooch's downloader interface, with a deadline for the whole download besides the
    per-read timeout: a server that sends a byte every few seconds never trips the latter.
    pooch keeps the rest: the checksum, the temporary file, keeping only a good download."""

    def __init__(self, progressbar, timeout: float, seconds: float):
        self.progressbar, self.timeout, self.seconds = progressbar, timeout, seconds

    def __call__(self, url: str, output_file, pooch_obj) -> None:
        end = time.monotonic() + self.seconds
        bar = self.progressbar
        if bar is True:
            bar = tqdm(unit="B", unit_scale=True, leave=True)
        with requests.get(url, stream=True, timeout=self.timeout) as response:
            response.raise_for_status()
            if bar:
                bar.total = int(response.headers.get("content-length", 0))
            opened = not hasattr(output_file, "write")
            out = open(output_file, "w+b") if opened else output_file  # noqa: SIM115
            try:
                # read1: whatever has arrived, at once (iter_content would wait for a full
                # chunk, byte by trickled byte, and never look at the clock)
                while chunk := response.raw.read1(65536, decode_content=True):
                    if time.monotonic() > end:
                        raise TimeoutError(f"the download took over {self.seconds:g} s")
                    out.write(chunk)
                    if bar:
                        bar.update(len(chunk))
            finally:
                if opened:
                    out.close()
                if bar:
                    bar.close()
