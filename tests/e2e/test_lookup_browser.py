"""The Lookup page in a real browser."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import main_block, shot, wait_idle

pytestmark = pytest.mark.e2e


def test_type_an_index_and_read_the_verdict(server, page):
    page.goto(server + "/")
    main = main_block(page)
    main.get_by_text("Equal, bit for bit").wait_for()
    box = page.get_by_role("textbox", name="Indices to look up")
    box.fill("7, 2, 2, 5")
    box.press("Enter")
    page.get_by_text("looked-up counts {2: 2, 5: 1, 7: 1}").wait_for()
    wait_idle(page)
    verdict = main.get_by_test_id("stAlertContentSuccess").first.inner_text()
    assert "torch.equal(one_hot @ W, W[idx]) is True" in verdict
    assert "indices=7%2C+2%2C+2%2C+5" in page.url or "indices=7%2C%202" in page.url
    page.locator(".live-chart canvas").first.wait_for()
    assert shot(page, "lookup_verdict").stat().st_size > 10_000


def test_an_out_of_range_index_shows_a_message_not_a_traceback(server, page):
    page.goto(server + "/")
    box = page.get_by_role("textbox", name="Indices to look up")
    box.fill("99")
    box.press("Enter")
    page.get_by_text("Index 99 is out of range").wait_for()
    assert page.get_by_test_id("stException").count() == 0
    shot(page, "lookup_bad_index")


def test_a_link_reproduces_the_view(server, page):
    page.goto(server + "/?n=6&d=2&indices=%5B%5B1%2C+2%5D%2C+%5B3%2C+3%5D%5D&put_inf=1")
    main = main_block(page)
    main.get_by_text("Batch shape (2, 2)").wait_for()
    assert "Not equal" in main.get_by_test_id("stAlertContentError").first.inner_text()


def test_an_optional_box_set_by_a_link_can_be_emptied_again(server, page):
    # Every settings box shows the session's value as its default (explorer/ui/widgets.py),
    # but Streamlit lets a box be emptied only while its default is None: an optional one
    # keeps that, or padding_idx=2 from a link could never go back to "none".
    page.goto(server + "/?padding_idx=2")
    boxes = page.get_by_test_id("stSidebar").get_by_test_id("stNumberInput")
    box = boxes.filter(has_text="padding_idx").locator("input")
    expect(box).to_have_value("2", timeout=30_000)
    wait_idle(page)
    box.fill("")
    box.press("Enter")
    page.wait_for_function("() => !location.search.includes('padding_idx=2')", timeout=30_000)
    wait_idle(page)
    expect(box).to_have_value("")
