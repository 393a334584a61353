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


MB = 2**20


class Server:
    """The server's own memory, as the test sets it."""

    def __init__(self, used: int):
        self.used = used

    def __call__(self) -> int:
        return self.used


def test_past_the_memory_ceiling_a_run_waits_under_the_cap_and_goes_when_memory_frees():
    from explorer.train.worker.slots import WORKER_BYTES

    server = Server(500 * MB)
    ceiling = 500 * MB + 2 * (WORKER_BYTES + 100 * MB) + 50 * MB  # two 100 MB runs, not three
    slots, granted = Slots(8, ceiling=ceiling, server_bytes=server), []
    first, second, third = Holder(), Holder(), Holder()
    assert slots.ask(1, first, granted.append, 100 * MB) == 0
    assert slots.ask(2, second, granted.append, 100 * MB) == 0
    assert slots.ask(3, third, granted.append, 100 * MB) == 1  # the cap is 8: memory holds it
    assert slots.running == 2
    slots.give_back(1)  # its process has ended
    assert settled(granted, 1) == [third] and slots.running == 2


def test_the_line_moves_when_the_servers_own_memory_falls():
    server = Server(800 * MB)
    slots, granted = Slots(2, ceiling=1000 * MB, server_bytes=server), []
    waiting = Holder()
    assert slots.ask(1, Holder(), granted.append, 100 * MB) == 0
    assert slots.ask(2, waiting, granted.append, 100 * MB) == 1  # under the cap, not the ceiling
    assert slots.place(2) == 1 and not granted
    server.used = 600 * MB  # a session with a cached data set ended: the next look at the
    assert slots.place(2) == 0 and settled(granted, 1) == [waiting]  # line lets it go
    assert slots.running == 2


def test_a_run_that_could_never_fit_is_refused_with_the_numbers():
    slots = Slots(2, ceiling=1000 * MB, server_bytes=Server(400 * MB))
    with pytest.raises(ValueError) as err:
        slots.ask(1, Holder(), print, 700 * MB)
    text = str(err.value)
    assert "EXPLORER_MAX_SERVER_MB" in text and "1,000 MB" in text and "400 MB" in text
    assert slots.running == 0 and slots.waiting == 0


def test_room_for_data_counts_the_workers_memory():
    from explorer.train.worker.slots import WORKER_BYTES

    slots = Slots(2, ceiling=1000 * MB, server_bytes=Server(400 * MB))
    slots.check_room(500 * MB, "A set")  # fits on an idle server
    slots.ask(1, Holder(), print, 300 * MB)
    with pytest.raises(ValueError, match="A set would need about 500 MB") as err:
        slots.check_room(500 * MB, "A set")
    assert f"training workers {(300 * MB + WORKER_BYTES) / MB:,.0f} MB" in str(err.value)
