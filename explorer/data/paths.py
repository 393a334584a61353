"""Server folders a visitor may read ratings from: the app's data/ folder, and the roots the
operator lists in EXPLORER_DATA_ROOTS. Anything else is refused before it is looked at."""

from __future__ import annotations

from pathlib import Path

from explorer import limits


def allowed_path(text: str, roots: list[Path] | None = None) -> Path:
    """The real path (links and .. resolved) that text names, if it lies in a root; a
    relative path is taken from the app's data/ folder. ValueError naming the setting if not."""
    roots = limits.data_roots() if roots is None else roots
    if not text.strip():
        raise ValueError("Type the path of a MovieLens folder or zip in the server's data folder.")
    if "\x00" in text or any(ord(c) < 32 for c in text.strip()):
        raise ValueError(
            "The path holds a control character (such as a NUL byte), which no file name on "
            "this server has: type the folder's path as plain text."
        )
    path = Path(text.strip()).expanduser()
    if not path.is_absolute():
        path = limits.APP_DATA / path
    real = path.resolve()
    if not any(real.is_relative_to(root) for root in roots):
        where = ", ".join(str(r) for r in roots)
        raise ValueError(
            f"{text.strip()} is outside the folders this server reads data from ({where}). "
            "Put the data there, or ask the server's operator to add its folder to "
            "EXPLORER_DATA_ROOTS."
        )
    return real
