"""Files by name from a MovieLens folder or zip, read safely: regular files only (a pipe or a
link is passed over, and said so), a few levels deep, a bounded number of entries; zip members
read in memory through a stream that stops at the limit, whatever their headers claim, and
never extracted (so no member path can escape the data folder)."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path, PurePosixPath

MAX_DEPTH = 3  # folders below the one named: ml-latest-small/ inside a zip or a folder
MAX_ENTRIES = 5_000  # files and folders looked at in a folder, at most
MAX_MEMBER_BYTES = 512 * 2**20  # one file inside a zip, inflated (MovieLens 25M: 680 MB...)
MAX_RATIO = 60  # inflated / compressed: a ratings file is 4-8 times; a zip bomb, thousands


class Files:
    """Read files by name from a folder or a zip, wherever they sit inside it (a few levels
    down at most). Zip members are checked for size and ratio before they are read; nothing
    is extracted; every file is closed after each read."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._zip = False
        self.skipped: list[str] = []  # what the walk passed over and why (links, pipes...)
        if self.path.is_dir():
            self._names = _walk(self.path, self.skipped)
        elif not self.path.is_file():  # a pipe or a device would block or never end
            raise ValueError(
                f"{self.path} is not a regular file or folder (a pipe, a socket or a device): "
                "point at the MovieLens folder or at the zip you downloaded."
            )
        elif zipfile.is_zipfile(self.path):
            self._zip = True
            with zipfile.ZipFile(self.path) as z:
                self._names = _members(self.path, z.infolist())
        else:
            raise ValueError(
                f"{self.path} is neither a folder nor a zip file: point at the MovieLens folder "
                "(holding u.data, ratings.csv or ratings.dat) or at the zip you downloaded."
            )

    def __contains__(self, name: str) -> bool:
        return name in self._names

    def size(self, name: str) -> int:
        """The file's size in bytes (a zip member's, inflated, as its header says), read
        from the folder's listing or the zip's directory: nothing is read or inflated."""
        if self._zip:
            with zipfile.ZipFile(self.path) as z:
                return z.getinfo(self._names[name]).file_size
        return Path(self._names[name]).stat().st_size

    def open(self, name: str) -> io.BytesIO:
        if self._zip:
            with zipfile.ZipFile(self.path) as z:
                return io.BytesIO(_inflate(self.path, z, z.getinfo(self._names[name])))
        size = self.size(name)  # a folder's file: the same limit as a zip's member
        if size > MAX_MEMBER_BYTES:
            raise ValueError(
                f"{self._names[name]} is {size / 2**20:,.0f} MiB; the server reads at most "
                f"{MAX_MEMBER_BYTES / 2**20:,.0f} MiB a file. Point at a smaller data set."
            )
        return io.BytesIO(Path(self._names[name]).read_bytes())


CHUNK = 2**20  # a zip member is inflated a MiB at a time


def _inflate(path: Path, z: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """A member's bytes, read through a stream that stops at the limit, whatever its header
    claims: a member that inflates past its stated size, past MAX_MEMBER_BYTES or past
    MAX_RATIO times its packed size is refused before it has grown any further."""
    limit = min(info.file_size, MAX_MEMBER_BYTES, MAX_RATIO * max(1, info.compress_size))
    out = bytearray()
    with z.open(info) as stream:
        while chunk := stream.read(min(CHUNK, limit + 1 - len(out))):
            out += chunk
            if len(out) > limit:
                raise ValueError(
                    f"{path.name}: {info.filename} inflates past {limit / 2**20:,.1f} MiB, more "
                    f"than its header says ({info.file_size / 2**20:,.1f} MiB) or than the "
                    f"server reads ({MAX_MEMBER_BYTES / 2**20:,.0f} MiB a file, {MAX_RATIO} times "
                    "packed): the zip is damaged or built to swell. Download it again."
                )
    return bytes(out)


def _walk(root: Path, skipped: list[str] | None = None) -> dict[str, Path]:
    """name -> path of the regular files under root, breadth first, MAX_DEPTH levels,
    MAX_ENTRIES. Links are not followed and pipes are not opened: each is noted in skipped."""
    skipped = [] if skipped is None else skipped
    found, level, seen = {}, [root], 0
    for _ in range(MAX_DEPTH + 1):
        below = []
        for folder in level:
            try:
                entries = sorted(os.scandir(folder), key=lambda e: e.name)
            except OSError:
                continue  # unreadable: not ours to read
            for entry in entries:
                seen += 1
                if seen > MAX_ENTRIES:
                    raise ValueError(
                        f"{root} holds more than {MAX_ENTRIES:,} files and folders: point at the "
                        "MovieLens folder itself (the one holding u.data or ratings.csv)."
                    )
                if entry.is_dir(follow_symlinks=False):
                    below.append(Path(entry.path))
                elif entry.is_file(follow_symlinks=False):
                    found.setdefault(entry.name, Path(entry.path))
                elif entry.is_symlink():
                    skipped.append(f"{entry.name} (a link: links are not followed)")
                else:
                    skipped.append(f"{entry.name} (not a regular file)")
        level = below
    return found


def _members(path: Path, infos: list[zipfile.ZipInfo]) -> dict[str, str]:
    """name -> member of a zip, after checking every member's size and ratio."""
    names = {}
    for info in infos:
        # a name like ../../evil.csv is harmless here: nothing is extracted, a member is
        # read into memory by its name alone
        member = PurePosixPath(info.filename)
        if info.is_dir():
            continue
        ratio = info.file_size / max(1, info.compress_size)
        if info.file_size > MAX_MEMBER_BYTES or ratio > MAX_RATIO:
            raise ValueError(
                f"{path.name}: {info.filename} would inflate to {info.file_size / 2**20:,.0f} "
                f"MiB ({ratio:,.0f} times its packed size); the server reads at most "
                f"{MAX_MEMBER_BYTES / 2**20:,.0f} MiB a file, at most {MAX_RATIO} times packed."
            )
        names.setdefault(member.name, info.filename)
    return names
