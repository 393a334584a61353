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


def wait_idle(page, timeout: float = 30) -> None:
    """Wait until Streamlit says the script is not running."""
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')",
        timeout=timeout * 1000,
    )
