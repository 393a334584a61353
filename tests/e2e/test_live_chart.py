"""The live view's canvas chart in a real browser: it draws, labels itself and shows names on
hover, as the finished plotly chart does."""

import pytest

from bench.browser import streamlit_server
from tests.e2e.conftest import ROOT, shot

pytestmark = pytest.mark.e2e

# pixels of one colour on a canvas, and the points the chart drew (x, y, name, group)
COUNT_COLOUR = """(c, rgb) => {
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let i = 0; i < d.length; i += 4) {
    if (Math.abs(d[i] - rgb[0]) < 8 && Math.abs(d[i + 1] - rgb[1]) < 8
        && Math.abs(d[i + 2] - rgb[2]) < 8 && d[i + 3] > 200) n++;
  }
  return n;
}"""
HITS = "c => c.parentElement.parentNode.__liveChart.hits"  # root div, then the mount


def rgb(colour: str) -> list[int]:
    return [int(colour[i : i + 2], 16) for i in (1, 3, 5)]


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
    from explorer import plots

    items, rmse = chart_page.locator("canvas").nth(0), chart_page.locator("canvas").nth(1)
    drama, comedy = plots.QUALITATIVE[1], plots.QUALITATIVE[0]  # sorted: Comedy, Drama
    assert items.evaluate(COUNT_COLOUR, rgb(comedy)) > 50
    assert items.evaluate(COUNT_COLOUR, rgb(drama)) > 50
    assert rmse.evaluate(COUNT_COLOUR, rgb(plots.PRODUCT)) > 100
    assert rmse.evaluate(COUNT_COLOUR, rgb("#ffffff")) == 0  # transparent, not painted white
    assert items.get_attribute("aria-label").startswith("Items. 4 points in 2 groups")
    assert "0.9000 after epoch 3" in rmse.get_attribute("aria-label")
    shot(chart_page, "live_chart")


def test_hovering_a_point_shows_its_name_and_group(chart_page):
    items = chart_page.locator("canvas").first
    hits = items.evaluate(HITS)
    assert sorted(h[2] for h in hits) == ["Alpha", "Beta", "Delta", "Gamma"]
    box = items.bounding_box()
    tip = chart_page.locator(".live-chart-tip").first
    for x, y, name, group in hits:
        chart_page.mouse.move(box["x"] + x + 2, box["y"] + y - 1)
        assert tip.inner_text() == f"{name} ({group})" and tip.is_visible()
    chart_page.mouse.move(box["x"] + 5, box["y"] + 5)  # the title, far from every point
    assert not tip.is_visible()
