"""A server-wide cap on training worker processes and on memory, with a queue in order of
asking.

One Slots object is shared by every session (the page keeps it in st.cache_resource). A run
asks for a slot, with the memory its worker will take, before its worker starts, and gives
it back once that process has ended; past the cap, or past the server's memory ceiling
(the server's own memory, its cached data included, plus what its workers hold), it waits in
line, and the page says how many runs are ahead of it. A run that could never fit is refused
with the numbers. The queue holds weak references: a run whose session is gone never gets a
slot.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from typing import Any

from explorer import limits

WORKER_BYTES = 64 * 2**20  # a worker's own memory before its run's data and tables (its
# torch and the compiled step are the fork server's, shared: bench/load.py prints both)
GRANT_THREAD = "slots-grant"  # the name of each thread that tells a run its turn has come


class Slots:
    """At most `cap` holders at once; the others wait in line and are called when it is
    their turn (`grant(holder)`, in a thread of its own). A holder is named by
    a key of its own (a run's token), so its slot can be given back after it is gone."""

    def __init__(
        self,
        cap: int,
        ceiling: int | None = None,
        server_bytes: Callable[[], int] = limits.server_bytes,
    ):
        if cap < 1:
            raise ValueError(f"The cap on training workers must be at least 1, not {cap}.")
        self.cap = cap
        self._ceiling = ceiling  # None: the operator's setting, read when used
        self.server_bytes = server_bytes  # the server's own memory, read when asked
        self._lock = threading.Lock()
        self._holders: dict[int, int] = {}  # keys of the runs with a process -> its memory
        self._line: list[tuple[int, weakref.ref, Callable[[Any], None], int]] = []

    @property
    def ceiling(self) -> int:
        return limits.max_server_bytes() if self._ceiling is None else self._ceiling

    def ask(self, key: int, holder: Any, grant: Callable[[Any], None], need: int = 0) -> int:
        """0 if the holder has a slot now (grant is not called); else its place in line, and
        grant(holder) is called when a slot, and the memory, free up for it. ValueError,
        with the numbers, if its worker would not fit even on an idle server."""
        with self._lock:
            if key in self._holders:
                return 0
            self._check_room(need + WORKER_BYTES, "This run's training worker", workers=False)
            if not self._line and self._fits(need):
                self._holders[key] = need + WORKER_BYTES
                return 0
            if all(entry[0] != key for entry in self._line):
                self._line.append((key, weakref.ref(holder), grant, need))
            return self._place(key)

    def _fits(self, need: int) -> bool:
        used = self.server_bytes() + sum(self._holders.values())
        return len(self._holders) < self.cap and used + need + WORKER_BYTES <= self.ceiling

    def check_room(self, need: int, what: str) -> None:
        """ValueError, with the numbers and the setting, if `need` more bytes (a data set the
        page would build or read) would take the server and its workers past the ceiling."""
        with self._lock:  # the holders change under other sessions' threads
            self._check_room(need, what)

    def _check_room(self, need: int, what: str, workers: bool = True) -> None:
        """check_room, the caller holding the lock; workers=False: as on an idle server."""
        server = self.server_bytes()
        held = sum(self._holders.values()) if workers else 0
        if server + held + need <= self.ceiling:
            return
        mb = 2**20
        busy = f" and its training workers {held / mb:,.0f} MB" if held else ""
        raise ValueError(
            f"{what} would need about {need / mb:,.0f} MB: the server holds "
            f"{server / mb:,.0f} MB itself (its sessions and cached data){busy}, of the "
            f"{self.ceiling / mb:,.0f} MB it may use (EXPLORER_MAX_SERVER_MB). Use a smaller "
            "data set or fewer factors" + (", or try again when a run has ended." if held else ".")
        )

    def place(self, key: int) -> int:
        """0 if it holds a slot or is not in line; else how many are ahead of it, plus one.
        The line moves here too: the server's memory may have fallen since the last slot
        was given back."""
        self.give_back(None)
        with self._lock:
            return self._place(key)

    def _place(self, key: int) -> int:
        self._prune()
        return next((k + 1 for k, entry in enumerate(self._line) if entry[0] == key), 0)

    def _prune(self) -> None:
        """Drop from the line the holders that are gone, or whose page is (a closed tab's
        session has ended): they never count as ahead of anyone."""
        self._line = [entry for entry in self._line if _waits(entry[1]())]

    def give_back(self, key: int | None) -> None:
        """Free the key's slot, or take it out of line; those next in line are granted while
        they fit, in order."""
        granted = []
        with self._lock:
            self._holders.pop(key, None)
            self._line = [entry for entry in self._line if entry[0] != key]
            self._prune()
            while self._line and self._fits(self._line[0][3]):
                k, ref, grant, need = self._line.pop(0)
                if (waiting := ref()) is not None:
                    self._holders[k] = need + WORKER_BYTES
                    granted.append((grant, waiting))
        for grant, waiting in granted:  # each in a thread of its own: the caller may hold
            threading.Thread(  # locks
                target=grant, args=(waiting,), daemon=True, name=GRANT_THREAD
            ).start()

    @property
    def running(self) -> int:
        with self._lock:
            return len(self._holders)

    @property
    def waiting(self) -> int:
        with self._lock:
            return len(self._line)


def _waits(holder: Any) -> bool:
    """Whether a holder in line still wants its turn: it exists, and its page has not gone
    (`abandoned()`, where it has one: read without its lock, so no lock order is at stake)."""
    return holder is not None and not (hasattr(holder, "abandoned") and holder.abandoned())


def queue_text(place: int) -> str:
    """What a run waiting in line at `place` (1: next) tells its page."""
    ahead = max(0, place - 1)
    if ahead == 0:
        where = "you are next"
    else:
        where = f"{ahead} run{' is' if ahead == 1 else 's are'} ahead of you"
    return (
        f"Waiting for a free training worker: {where}. The server trains a few runs at once, "
        "within its memory, so that each gets a core; yours starts on its own."
    )
