"""What the page shows is what it runs, in a real browser, over fresh sessions on one server
(two: the second finds the server warm, the one that failed before).

A link with a non-default value for every kind of widget (select box, number box, optional
box, the y_range pair, checkbox, slider, and the data's radio, number boxes and slider), with
and without train=1. After it, the sidebar and the data chooser show exactly the link's
settings; Train again with nothing touched trains the same configuration (the link unchanged,
the same RMSE); one setting changed changes the link in that one setting alone. Streamlit
sends a value written through Session State only in the run that wrote it, and a `train=1`
run supersedes that run (explorer/ui/widgets.py, `resend`): before the fix, the second fresh
visitor's sidebar showed valid_pct 0.05, y_range off and the checkboxes unticked.
"""

import time
from urllib.parse import parse_qsl, urlparse

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import final_rmse, main_block, shot, wait_idle

pytestmark = pytest.mark.e2e

LINK = {  # the setting, its value in the link
    "model": "DotProductBias",
    "n_factors": "7",
    "y_range": "0.5,5.25",
    "schedule": "constant",
    "lr": "0.01",
    "wd": "0.1",
    "bias_wd": "0.05",
    "epochs": "3",
    "batch_size": "128",
    "seed": "3",
    "valid_pct": "0.3",
    "fast_step": "0",
    "row_updates": "0",
    "device": "cpu",
    "data": "synthetic",
    "n_ratings": "5000",
    "genres": "4",
    "data_seed": "2",
}


def sidebar(page):
    return page.get_by_test_id("stSidebar")


def number(box, label: str) -> str:
    return box.get_by_test_id("stNumberInput").filter(has_text=label).first.locator("input")


def shown(page) -> dict:
    """What the page's widgets show now, by the link's names."""
    sb, main = sidebar(page), main_block(page)

    def select(label):
        box = sb.get_by_test_id("stSelectbox").filter(has_text=label).first
        return box.get_by_role("combobox").input_value()

    def ticked(label, where=sb):
        box = where.get_by_test_id("stCheckbox").filter(has_text=label).first
        return box.locator("input").is_checked()

    def slider(label, where):
        box = where.get_by_test_id("stSlider").filter(has_text=label).first
        return box.locator("input[type=range]").input_value()

    source = main.get_by_test_id("stRadio").filter(has_text="Source").first
    radio = source.locator("label:has(input:checked)").first.text_content().strip()
    return {
        "model": select("Model"),
        "n_factors": number(sb, "n_factors").input_value(),
        "y_range": ticked("y_range")
        and f"{number(sb, 'low').input_value()},{number(sb, 'high').input_value()}",
        "schedule": select("Schedule"),
        "lr": number(sb, "Learning rate").input_value(),
        "wd": number(sb, "Weight decay (factors)").input_value(),
        "bias_wd": number(sb, "Weight decay (biases)").input_value(),
        "epochs": number(sb, "Epochs").input_value(),
        "batch_size": number(sb, "Batch size").input_value(),
        "seed": number(sb, "Seed").input_value(),
        "valid_pct": slider("Validation share", sb),
        "fast_step": ticked("Closed-form gradients"),
        "row_updates": ticked("AdamW on the touched rows"),
        "device": select("Device"),
        "data": radio,
        "n_ratings": number(main, "Ratings").input_value(),
        "genres": slider("Genres", main),
        "data_seed": number(main, "Data seed").input_value(),
    }


EXPECTED = {
    **LINK,
    "y_range": "0.50,5.25",  # the boxes' two decimals
    "valid_pct": "0.3",
    "fast_step": False,
    "row_updates": False,
    "data": "Built-in synthetic",
    "n_ratings": "5000",
}


def query(page) -> dict:
    return dict(parse_qsl(urlparse(page.url).query))


def open_link(browser, server, train: bool):
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = ctx.new_page()
    page.set_default_timeout(60_000)
    link = "&".join(f"{k}={v}" for k, v in LINK.items()) + ("&train=1" if train else "")
    page.goto(f"{server}/train?{link}")
    main = main_block(page)
    if train:
        main.get_by_text("Finished 3 epochs.").wait_for(timeout=120_000)
    main.get_by_role("button", name="Train", exact=True).wait_for()
    wait_idle(page)
    main.get_by_text("Data", exact=True).click()  # open the data chooser to read it
    expect(number(main, "Data seed")).to_be_visible()
    return ctx, page


def wait_shown(page, expected: dict) -> dict:
    """The widgets' values once they match, polled until a generous deadline; else as they
    are then (the assert shows what differs)."""
    deadline = time.monotonic() + 30
    now = shown(page)
    while now != expected and time.monotonic() < deadline:
        page.wait_for_timeout(200)
        now = shown(page)
    return now


@pytest.mark.parametrize("train", [True, False], ids=["train=1", "no train"])
def test_the_page_shows_and_runs_the_links_settings_in_every_fresh_session(server, browser, train):
    for visit in range(2):  # the second visitor finds the server warm: the one that failed
        ctx, page = open_link(browser, server, train)
        main = main_block(page)
        assert wait_shown(page, EXPECTED) == EXPECTED, f"visit {visit + 1}"
        if not train:
            main.get_by_role("button", name="Train", exact=True).click()
            main.get_by_text("Finished 3 epochs.").wait_for(timeout=120_000)
            wait_idle(page)
        first_rmse, first_link = final_rmse(page), query(page)
        for key, value in LINK.items():
            assert first_link.get(key, value) == value, (key, first_link.get(key))
        main.get_by_role("button", name="Train", exact=True).click()  # nothing touched
        main.get_by_text("Run 2 is this one").wait_for(timeout=120_000)
        wait_idle(page)
        assert query(page) == first_link and final_rmse(page) == first_rmse
        now = wait_shown(page, EXPECTED)
        if now != EXPECTED:
            shot(page, "widgets_debug")
        assert now == EXPECTED
        box = sidebar(page).get_by_test_id("stNumberInput").filter(has_text="n_factors").first
        box.get_by_role("button", name="Increment").click()  # one setting, + from what it shows
        page.wait_for_url("**n_factors=8**", timeout=30_000)
        wait_idle(page)
        changed = {k for k, v in query(page).items() if first_link.get(k) != v}
        assert changed == {"n_factors"}, changed
        if visit == 1:
            shot(page, f"widgets_{'train' if train else 'plain'}")
        ctx.close()
