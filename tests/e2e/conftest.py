"""A real Streamlit server, started as the README starts it, and Debian's chromium.

A missing chromium is a failure, never a skip: .ci/run installs it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.browser import CHROMIUM, chromium, streamlit_server

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "tests" / "e2e" / "screenshots"


@pytest.fixture(scope="session")
def server():
    """The app on a free port; yields its base URL."""
    with streamlit_server(ROOT / "tests" / "e2e" / "server.log") as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)")
    with chromium() as b:
        yield b


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    yield pg
    context.close()


def shot(page, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def main_block(page):
    """Locators scoped to the page body: the header has its own Stop button."""
    return page.get_by_test_id("stMainBlockContainer")


def final_rmse(page) -> float:
    """The Validation RMSE the results show."""
    metric = main_block(page).get_by_test_id("stMetric").filter(has_text="Validation RMSE")
    return float(metric.get_by_test_id("stMetricValue").inner_text())


def wait_idle(page, timeout: float = 30) -> None:
    """Wait until Streamlit says the script is not running."""
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')",
        timeout=timeout * 1000,
    )


# how many pixels of a canvas are near one colour (the canvases' own drawing, read back)
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
