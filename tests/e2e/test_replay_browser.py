"""The replay in a real browser: drag and Play move the factor canvas and the curves' cursor;
the link keeps the frame, and a shared `train=1` link reproduces the run in a fresh browser."""

import re
import time

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import final_rmse, shot, wait_idle

pytestmark = pytest.mark.e2e
LINK = "/train?device=cpu&epochs=3&train=1"  # trains on open


def _canvases(page) -> list[str]:
    """The replay's canvases as images: the factor plot first, then the curves."""
    return page.eval_on_selector_all(".replay canvas", "cs => cs.map(c => c.toDataURL())")


def _frame(page) -> int:
    return int(page.locator(".replay").first.get_attribute("data-frame"))


def _wait_for(check, timeout=30.0, what="") -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def _open_replay(page, url: str) -> int:
    """Open a link that trains, wait for the replay; returns its last frame's index."""
    page.goto(url)
    expect(page.get_by_text("Replay the run")).to_be_visible(timeout=90_000)
    player = page.locator(".replay").first
    player.scroll_into_view_if_needed()
    wait_idle(page)  # the page's last rerun done: a drag then reaches the player that stays
    return int(page.locator(".replay-timeline").first.get_attribute("max"))


def _drag_and_play(page, last: int) -> None:
    """Drag to frame 3, then Play (at 4x) to the end: the canvases and the link follow."""
    before = _canvases(page)
    assert len(before) == 4  # the factor plot, loss, RMSE, planted recovery
    page.locator(".replay-timeline").first.fill("3")  # drag to frame 3
    _wait_for(lambda: _frame(page) == 3, what="frame 3")
    assert all(a != b for a, b in zip(before, _canvases(page), strict=True))  # all moved
    expect(page.locator(".replay-label").first).to_contain_text("frame 4/")
    _wait_for(lambda: "frame=3" in page.url, what="the link to keep frame 3")
    shot(page, "replay_dragged")
    page.locator(".replay-speed select").first.select_option("4")
    page.locator(".replay-play").first.click()
    player = page.locator(".replay").first
    seen = set()

    def played_to_the_end() -> bool:
        seen.add(_frame(page))
        return player.get_attribute("data-playing") == "0" and _frame(page) == last

    _wait_for(played_to_the_end, timeout=60, what="Play to reach the last frame")
    assert len(seen) >= 3 and min(seen) >= 3  # it played forward from the dragged frame
    assert float(player.get_attribute("data-fps")) > 0  # measured, as bench.live_overhead reads
    _wait_for(lambda: f"frame={last}" in page.url, what=f"frame={last} in the link, not {page.url}")


def test_a_shared_link_replays_the_same_run_in_a_fresh_browser_and_drag_and_play_move_it(
    server, browser
):
    """Two fresh contexts (no cookie, no session in common) open a teacher's link with
    train=1&frame=5: the same RMSE and frame 5, pixel for pixel. The first then drags and
    plays: the factor canvas and the curves' cursors move, and the link keeps the frame."""
    runs = []
    for k in range(2):
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.set_default_timeout(30_000)
        last = _open_replay(page, server + LINK + "&frame=5")
        assert last >= 10  # a 3-epoch run keeps a frame every step or two
        _wait_for(lambda page=page: _frame(page) == 5, what="the link's frame")
        assert re.search(r"frame=5(&|$)", page.url)
        runs.append((final_rmse(page), _canvases(page)[0]))
        if k == 0:
            _drag_and_play(page, last)
        context.close()
    assert runs[0][0] == runs[1][0]  # the same seed, the same run: the same RMSE...
    assert runs[0][1] == runs[1][1]  # ...and the same frame 5, pixel for pixel


def test_the_presenting_switch_folds_the_sidebar_and_enlarges_the_type(server, page):
    page.goto(server + "/train?device=cpu&present=1&epochs=2")
    expect(page.get_by_test_id("stExpandSidebarButton")).to_be_visible()  # folded away
    html_px = "() => parseFloat(getComputedStyle(document.documentElement).fontSize)"
    page.wait_for_function(f"() => ({html_px})() > 16")  # Streamlit's own base is 16 px
    body_px = page.locator("[data-testid=stMarkdownContainer] p").first.evaluate(
        "e => parseFloat(getComputedStyle(e).fontSize)"
    )
    assert body_px >= 18
    assert "present=1" in page.url and "epochs=2" in page.url  # every setting in the link
    shot(page, "presenting")
