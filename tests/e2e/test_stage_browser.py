"""On stage: at 1920x1080 with present=1 the answer is on the first screen, and every chart's
text is at least 18 px; at 1280x800 without it, the normal layout still fits its width."""

import pytest
from playwright.sync_api import expect

from explorer.view.theme import PRESENT_MIN_PX
from tests.e2e.conftest import main_block, shot, wait_idle

pytestmark = pytest.mark.e2e

STAGE = {"width": 1920, "height": 1080}
# every visible text of the plotly charts, its font size in px
FONTS = """() => Array.from(document.querySelectorAll('.js-plotly-plot text'))
  .filter(t => t.getBBox().width > 0 && t.textContent.trim())
  .map(t => parseFloat(getComputedStyle(t).fontSize))"""
# every text the canvases show now, its font size in px: each canvas's texts since its last
# clearRect (a draw starts with one), watched from the page's start
CANVAS_FONTS_INIT = """(() => {
  const texts = new Map();
  window.__canvasFonts = () =>
    Array.from(texts).filter(([c]) => c.isConnected).flatMap(([, t]) => t);
  const P = CanvasRenderingContext2D.prototype;
  const clear = P.clearRect;
  P.clearRect = function (...args) {
    texts.set(this.canvas, []);
    return clear.apply(this, args);
  };
  const fill = P.fillText;
  P.fillText = function (text, ...rest) {
    const px = parseFloat(this.font.match(/([\\d.]+)px/)[1]);
    if (String(text).trim()) texts.get(this.canvas)?.push(px);
    return fill.call(this, text, ...rest);
  };
})()"""
CANVAS_FONTS = "() => window.__canvasFonts()"
LONG = "&device=cpu&epochs=600&batch_size=16"  # long enough to watch


def bottom(locator) -> float:
    box = locator.bounding_box()
    return box["y"] + box["height"]


def open_page(browser, url, viewport):
    ctx = browser.new_context(viewport=viewport)
    page = ctx.new_page()
    page.add_init_script(CANVAS_FONTS_INIT)
    page.set_default_timeout(60_000)
    page.goto(url)
    return ctx, page


def test_the_lookup_answer_is_on_the_first_screen_when_presenting(server, browser):
    ctx, page = open_page(browser, server + "/?present=1", STAGE)
    main = main_block(page)
    charts = main.locator(".live-chart canvas")
    expect(charts.nth(1)).to_be_visible(timeout=60_000)
    wait_idle(page)
    verdict = main.get_by_text("Equal, bit for bit.")
    product = main.locator('.live-chart canvas[aria-label^="one_hot @ W"]')
    lookup = main.locator('.live-chart canvas[aria-label^="W[idx] (nn.Embedding)"]')
    assert bottom(verdict) < product.bounding_box()["y"]  # the verdict, then the picture
    assert bottom(product) <= STAGE["height"] and bottom(lookup) <= STAGE["height"]
    fonts = page.evaluate(CANVAS_FONTS)
    assert len(fonts) > 20 and min(fonts) >= PRESENT_MIN_PX, sorted(set(fonts))
    shot(page, "stage_lookup")
    ctx.close()


def test_the_train_stage_shows_the_buttons_the_loss_and_the_factors_together(server, browser):
    ctx, page = open_page(browser, server + "/train?present=1" + LONG, STAGE)
    main = main_block(page)
    main.get_by_role("button", name="Train", exact=True).click()
    canvases = main.locator(".live-chart canvas")
    expect(canvases).to_have_count(4, timeout=60_000)
    loss, items = canvases.nth(0), canvases.nth(1)
    assert "Training loss" in loss.get_attribute("aria-label")
    assert "Item factors" in items.get_attribute("aria-label")
    for chart in (loss, items):  # during the run, with the buttons, in one view
        assert bottom(chart) <= STAGE["height"]
    assert bottom(main.get_by_role("button", name="Stop", exact=True)) < loss.bounding_box()["y"]
    shot(page, "stage_train_live")
    main.get_by_role("button", name="Stop", exact=True).click()
    main.get_by_text("Stopped: press Resume to go on.").wait_for()
    wait_idle(page)
    plots = main.locator(".js-plotly-plot")
    loss_plot = plots.filter(has_text="Training loss")
    factor_plot = plots.filter(has_text="Item factors")
    expect(factor_plot).to_be_visible(timeout=60_000)
    for chart in (loss_plot, factor_plot):  # after it too
        assert bottom(chart) <= STAGE["height"]
    assert min(page.evaluate(FONTS)) >= PRESENT_MIN_PX
    shot(page, "stage_train_stopped")
    ctx.close()


def test_the_normal_layout_fits_a_small_screen(server, browser):
    for path in ("/", "/train?device=cpu&epochs=2"):
        ctx, page = open_page(browser, server + path, {"width": 1280, "height": 800})
        main = main_block(page)
        if "train" in path:
            main.get_by_role("button", name="Train", exact=True).click()
            main.get_by_text("Finished 2 epochs.").wait_for(timeout=120_000)
        if "train" in path:
            chart = main.locator(".js-plotly-plot").filter(has_text="Training loss")
        else:
            chart = main.locator('.live-chart canvas[aria-label^="W: the one weight"]')
        expect(chart).to_be_visible(timeout=60_000)
        wait_idle(page)
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 1280
        fonts = page.evaluate(FONTS if "train" in path else CANVAS_FONTS)
        assert fonts and 10 <= min(fonts) < PRESENT_MIN_PX  # the normal type, not the stage's
        shot(page, "normal_" + ("train" if "train" in path else "lookup"))
        ctx.close()
