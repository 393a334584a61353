"""A server-wide cap on training workers running at once, with a queue in order of asking.

One Slots object is shared by every session (the page keeps it in st.cache_resource). A run
asks for a slot before its worker trains and gives it back when it stops or ends; past the
cap it waits in line, and the page says how many runs are ahead of it. The queue holds weak
references: a run whose session is gone never gets a slot.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from typing import Any

GRANT_THREAD = "slots-grant"  # the name of each thread that tells a run its turn has come


class Slots:
    """At most `cap` holders at once; the others wait in line and are called when it is
    their turn (`grant(holder)`, in a thread of its own). A holder is named by
    a key of its own (a run's token), so its slot can be given back after it is gone."""

    def __init__(self, cap: int):
        if cap < 1:
            raise ValueError(f"The cap on training workers must be at least 1, not {cap}.")
        self.cap = cap
        self._lock = threading.Lock()
        self._holders: set[int] = set()  # keys of the runs training now
        self._line: list[tuple[int, weakref.ref, Callable[[Any], None]]] = []

    def ask(self, key: int, holder: Any, grant: Callable[[Any], None]) -> int:
        """0 if the holder has a slot now (grant is not called); else its place in line, and
        grant(holder) is called when a slot frees up for it."""
        with self._lock:
            if key in self._holders:
                return 0
            if len(self._holders) < self.cap and not self._line:
                self._holders.add(key)
                return 0
            if all(k != key for k, _, _ in self._line):
                self._line.append((key, weakref.ref(holder), grant))
            return self._place(key)

    def place(self, key: int) -> int:
        """0 if it holds a slot or is not in line; else how many are ahead of it, plus one."""
        with self._lock:
            return self._place(key)

    def _place(self, key: int) -> int:
        self._prune()
        return next((k + 1 for k, (h, _, _) in enumerate(self._line) if h == key), 0)

    def _prune(self) -> None:
        """Drop from the line the holders that are gone, or whose page is (a closed tab's
        session has ended): they never count as ahead of anyone."""
        self._line = [entry for entry in self._line if _waits(entry[1]())]

    def give_back(self, key: int) -> None:
        """Free the key's slot, or take it out of line; the next in line is granted."""
        granted = []
        with self._lock:
            self._holders.discard(key)
            self._line = [entry for entry in self._line if entry[0] != key]
            self._prune()
            while self._line and len(self._holders) < self.cap:
                k, ref, grant = self._line.pop(0)
                if (waiting := ref()) is not None:
                    self._holders.add(k)
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
        f"Waiting for a free training worker: {where}. The server trains a few runs at once "
        "so that each gets a core; yours starts on its own."
    )
