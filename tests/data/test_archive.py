"""Reading a MovieLens folder or zip safely: pipes and links passed over and named, a zip
member read through a stream that stops at the limit whatever its header claims."""

import os
import struct
import threading
import tracemalloc
import zipfile

import pytest

from explorer.data.archive import Files
from explorer.data.movielens import read_movielens
from tests.conftest import write_ml100k


def _in_time(fn, seconds: float = 30):
    """fn() in a thread: its result, or a failure if it blocks (a FIFO would, forever)."""
    out = {}
    thread = threading.Thread(target=lambda: out.update(value=_try(fn)), daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "blocked"
    if isinstance(out["value"], Exception):
        raise out["value"]
    return out["value"]


def _try(fn):
    try:
        return fn()
    except Exception as err:  # noqa: BLE001 - handed back to the test's thread
        return err


def test_a_pipe_is_passed_over_without_blocking_and_named(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    os.mkfifo(folder / "u.data")  # where the ratings should be: a pipe nobody writes to
    with pytest.raises(ValueError, match=r"No MovieLens ratings.*u\.data \(not a regular file\)"):
        _in_time(lambda: read_movielens(folder))
    os.mkfifo(tmp_path / "ml.zip")
    with pytest.raises(ValueError, match="is not a regular file or folder"):
        _in_time(lambda: read_movielens(tmp_path / "ml.zip"))


def test_a_link_is_not_followed_and_is_named(tmp_path):
    real = write_ml100k(tmp_path / "elsewhere")
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "u.data").symlink_to(real / "u.data")
    files = Files(folder)
    assert "u.data" not in files and files.skipped == ["u.data (a link: links are not followed)"]
    with pytest.raises(ValueError, match=r"Passed over: u\.data \(a link"):
        read_movielens(folder)


def _lying_zip(path, real: bytes, claimed: int) -> None:
    """A zip whose member holds `real` bytes but whose headers say it holds `claimed`."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("ml-100k/u.data", real)
    data = bytearray(path.read_bytes())
    local = data.find(b"PK\x03\x04")
    central = data.find(b"PK\x01\x02")
    struct.pack_into("<I", data, local + 22, claimed)  # uncompressed size, local header
    struct.pack_into("<I", data, central + 24, claimed)  # and the central directory's
    path.write_bytes(bytes(data))


def test_a_zip_that_lies_about_its_size_is_refused_within_the_limit(tmp_path):
    line = b"1\t1\t3\t881250949\n"
    real = line * 12_000_000  # 204 MB, packing to a few hundred kB
    path = tmp_path / "lying.zip"
    _lying_zip(path, real, claimed=50 * (path.stat().st_size if path.exists() else 1))
    packed = zipfile.ZipFile(path).infolist()[0].compress_size
    _lying_zip(path, real, claimed=50 * packed)  # within the ratio check: a believable size
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match="could not be read|inflates past"):
            read_movielens(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 150 * 2**20, peak  # nowhere near the 204 MB the member really holds
