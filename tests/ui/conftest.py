"""Each AppTest gets the server's cap afresh: a run another test left behind (its session
dropped but not yet collected) must not hold a slot this test's run waits for."""

import pytest

from explorer.ui.train.session import worker_slots


@pytest.fixture(autouse=True)
def fresh_slots():
    worker_slots.clear()
    yield
    worker_slots.clear()
