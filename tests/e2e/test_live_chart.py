"""The live view's canvas chart in a real browser: it draws, labels itself and shows names on
hover, as the finished plotly chart does."""

import time

import pytest

from bench.browser import streamlit_server
from tests.e2e.conftest import COUNT_COLOUR, HITS, ROOT, rgb, shot

pytestmark = pytest.mark.e2e


# pixels of one colour on a canvas, and the points the chart drew (x, y, name, group)
@pytest.fixture(scope="module")
def chart_page(browser):
    with streamlit_server(
        ROOT / "tests" / "e2e" / "live_chart.log", script="tests/e2e/live_chart_app.py"
    ) as url:
        page = browser.new_page(viewport={"width": 900, "height": 1100})
        page.goto(url)
        page.locator("canvas").nth(1).wait_for()
        yield page
        page.close()


def test_each_chart_draws_its_series_in_their_colours(chart_page):
    from explorer.view import theme

    items, rmse = chart_page.locator("canvas").nth(0), chart_page.locator("canvas").nth(1)
    drama, comedy = theme.QUALITATIVE[1], theme.QUALITATIVE[0]  # sorted: Comedy, Drama
    assert items.evaluate(COUNT_COLOUR, rgb(comedy)) > 50
    assert items.evaluate(COUNT_COLOUR, rgb(drama)) > 50
    assert rmse.evaluate(COUNT_COLOUR, rgb(theme.PRODUCT)) > 100
    assert rmse.evaluate(COUNT_COLOUR, rgb("#ffffff")) == 0  # transparent, not painted white
    assert items.get_attribute("aria-label").startswith("Items. 4 points in 2 groups")
    assert "0.9000 after epoch 3" in rmse.get_attribute("aria-label")
    shot(chart_page, "live_chart")


def test_hovering_a_point_shows_its_name_and_group(chart_page):
    items = chart_page.locator("canvas").first
    hits = items.evaluate(HITS)
    assert sorted(h[2] for h in hits) == ["Alpha", "Beta", "Delta (Comedy)", "Gamma"]
    box = items.bounding_box()
    tip = chart_page.locator(".live-chart-tip").first
    shown = {}
    for x, y, name, _ in hits:
        chart_page.mouse.move(box["x"] + x + 2, box["y"] + y - 1)
        assert tip.is_visible()
        shown[name] = tip.inner_text()
    assert shown == {  # the group once: a title that names it already is not repeated
        "Alpha": "Alpha (Drama)",
        "Beta": "Beta (Comedy)",
        "Gamma": "Gamma (Drama)",
        "Delta (Comedy)": "Delta (Comedy)",
    }
    chart_page.mouse.move(box["x"] + 5, box["y"] + 5)  # the title, far from every point
    assert not tip.is_visible()


def test_the_title_follows_the_point_picked_while_the_factors_move(chart_page):
    moving = chart_page.locator("canvas").nth(2)
    moving.scroll_into_view_if_needed()
    box = moving.bounding_box()
    tip = chart_page.locator(".live-chart-tip").nth(2)

    def alpha():
        return next(h for h in moving.evaluate(HITS) if h[2] == "Alpha")

    deadline = time.monotonic() + 30  # a rerun may move Alpha between reading and moving:
    while time.monotonic() < deadline:  # point at it again until the tip names it
        x, y, _, _ = alpha()
        chart_page.mouse.move(box["x"] + x, box["y"] + y)
        if tip.is_visible() and tip.inner_text() == "Alpha (Drama)" and alpha()[0] == x:
            break
    assert tip.inner_text() == "Alpha (Drama)"
    left = tip.bounding_box()["x"]
    deadline = time.monotonic() + 30
    while alpha()[0] == x and time.monotonic() < deadline:
        time.sleep(0.05)  # the next rerun moves Alpha away from the still mouse
    assert abs(alpha()[0] - x) > 3 * 9  # far beyond the hover radius
    deadline = time.monotonic() + 10  # the tip follows at the next frame: on a loaded
    while time.monotonic() < deadline:  # machine, that can be a while; wait for it
        box_now = tip.bounding_box()
        if box_now and abs(box_now["x"] - left) > 20:
            break
        time.sleep(0.05)
    assert tip.is_visible() and tip.inner_text() == "Alpha (Drama)"
    assert abs(tip.bounding_box()["x"] - left) > 20  # it moved with the point
