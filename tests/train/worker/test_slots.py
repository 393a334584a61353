"""The server-wide cap: never more holders than the cap, the rest served in order of asking."""

import gc
import threading
import time

import pytest

from explorer.train.worker.slots import GRANT_THREAD, Slots


class Holder:
    pass


def settled(granted: list, n: int) -> list:
    """Grants run in threads of their own, started inside give_back: wait for the first n,
    then for every grant thread to end, so a grant that should not come has come by then."""
    end = time.monotonic() + 60
    while len(granted) < n and time.monotonic() < end:
        time.sleep(0.01)
    for t in threading.enumerate():
        if t.name == GRANT_THREAD:
            t.join(timeout=60)
    return granted


def test_past_the_cap_holders_wait_in_order_and_are_granted_as_slots_free():
    slots, granted = Slots(2), []
    a, b, c, d = Holder(), Holder(), Holder(), Holder()
    assert slots.ask(1, a, granted.append) == 0 and slots.ask(2, b, granted.append) == 0
    assert slots.ask(3, c, granted.append) == 1 and slots.ask(4, d, granted.append) == 2
    assert slots.ask(3, c, granted.append) == 1  # asking again keeps its place
    assert (slots.running, slots.waiting) == (2, 2)
    slots.give_back(1)
    assert settled(granted, 1) == [c] and slots.place(3) == 0 and slots.place(4) == 1
    slots.give_back(4)  # d leaves the line before its turn
    slots.give_back(2)
    assert settled(granted, 1) == [c] and (slots.running, slots.waiting) == (1, 0)


def test_a_holder_that_is_gone_is_never_granted():
    slots, granted = Slots(1), []
    slots.ask(1, Holder(), granted.append)
    gone, kept = Holder(), Holder()
    slots.ask(2, gone, granted.append)
    slots.ask(3, kept, granted.append)
    del gone
    gc.collect()
    slots.give_back(1)
    assert settled(granted, 1) == [kept] and slots.running == 1


def test_the_cap_is_at_least_one():
    with pytest.raises(ValueError, match="at least 1"):
        Slots(0)


class Page:
    """A holder whose page can go, as a TrainingRun's does when its session ends."""

    def __init__(self):
        self.gone = False

    def abandoned(self) -> bool:
        return self.gone


def test_a_closed_tab_leaves_the_line_and_the_first_waiting_is_next():
    from explorer.train.worker.slots import queue_text

    slots, granted = Slots(1), []
    slots.ask(1, Holder(), granted.append)
    closed, waiting = Page(), Page()
    assert slots.ask(2, closed, granted.append) == 1 and slots.ask(3, waiting, granted.append) == 2
    assert "1 run is ahead of you" in queue_text(slots.place(3))
    closed.gone = True  # its tab closed, its session ended
    assert slots.place(3) == 1 and "you are next" in queue_text(slots.place(3))
    slots.give_back(1)
    assert settled(granted, 1) == [waiting]
