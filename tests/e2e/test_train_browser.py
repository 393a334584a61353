"""The Train page in a real browser: live training, stop, resume, downloads, bad uploads."""

import re
import time

import pytest
from playwright.sync_api import expect

from explorer.view import theme
from tests.e2e.conftest import COUNT_COLOUR, final_rmse, main_block, rgb, shot, wait_idle

pytestmark = pytest.mark.e2e
# several seconds (4 s of training here at 1000 steps an epoch): long enough to watch and stop
LONG_RUN = "/train?epochs=600&batch_size=16&device=cpu"


def progress_text(page) -> str:
    bar = main_block(page).get_by_test_id("stProgress")
    return bar.first.inner_text() if bar.count() else ""


def step_of(text: str) -> int:
    m = re.search(r"step ([\d,]+)/", text)
    return int(m.group(1).replace(",", "")) if m else -1


def test_train_watch_stop_resume_finish_and_download(server, page, tmp_path):
    page.goto(server + LONG_RUN)
    main = main_block(page)
    main.get_by_role("button", name="Train", exact=True).click()
    deadline = time.monotonic() + 30
    while step_of(progress_text(page)) <= 0 and time.monotonic() < deadline:
        time.sleep(0.05)  # the worker process is starting
    # watch the page's own progress text advance: three distinct texts, in order. The rate
    # (about three a second) is measured in bench/live_overhead.py: a loaded CI machine is
    # no place to assert one
    seen, deadline = [], time.monotonic() + 60
    while len(seen) < 3 and time.monotonic() < deadline:
        text = progress_text(page)
        if text and (not seen or seen[-1] != text):
            seen.append(text)
        time.sleep(0.05)
    steps = [step_of(t) for t in seen]
    assert len(seen) == 3 and steps == sorted(steps) and steps[-1] > steps[0]
    # while it trains, the charts are canvases: loss, RMSE, item factors, planted genres
    canvases = main.locator(".live-chart canvas")
    expect(canvases).to_have_count(4, timeout=30_000)  # drawn by the next redraw or two
    labels = [c.get_attribute("aria-label") for c in canvases.all()]
    assert labels[0].startswith("Training loss per batch. smoothed loss")
    assert labels[2].startswith("Item factors, PCA to 2-D") and "points in 6 groups" in labels[2]
    for k, c in enumerate(canvases.all()):  # each one has drawn its series, in its colours
        colours = theme.QUALITATIVE[:2] if k == 2 else (theme.LOOKUP, theme.PRODUCT)
        assert sum(c.evaluate(COUNT_COLOUR, rgb(colour)) for colour in colours) > 30
    shot(page, "train_live")
    main.get_by_role("button", name="Stop", exact=True).click()
    main.get_by_text("Stopped: press Resume to go on.").wait_for()
    wait_idle(page)  # the page has drawn the stopped run; nothing reruns it now
    stopped_at = step_of(progress_text(page))
    expect(main.get_by_role("button", name="Resume", exact=True)).to_be_enabled(timeout=60_000)
    assert step_of(progress_text(page)) == stopped_at  # stopped means stopped
    main.get_by_role("button", name="Resume", exact=True).click()
    main.get_by_text("Finished 600 epochs.").wait_for(timeout=120_000)
    wait_idle(page)
    assert step_of(progress_text(page)) > stopped_at
    # the final RMSE, read from the page, beats the bias-only baseline (its delta is negative)
    rmse = final_rmse(page)
    delta = main.get_by_test_id("stMetric").filter(has_text="Validation RMSE")
    assert "vs biases only" in delta.inner_text() and "-0." in delta.inner_text()
    main.get_by_text("What it learned").wait_for()
    assert 0.3 < rmse < 1.0
    # finished: the live canvases gave way to plotly charts, with hover and click (the
    # replay's player draws canvases of its own)
    assert main.locator(".live-chart:not(.replay-chart)").count() == 0
    shot(page, "train_finished")
    main.get_by_text("Nearest items", exact=True).scroll_into_view_if_needed()
    shot(page, "train_results")
    for label, name in (
        ("Projector vectors.tsv", "vectors.tsv"),
        ("Projector metadata.tsv", "metadata.tsv"),
    ):
        with page.expect_download() as dl:
            main.get_by_role("button", name=label).click()
        target = tmp_path / name
        dl.value.save_as(target)
        lines = target.read_text().splitlines()
        if name == "vectors.tsv":
            assert len(lines) == 707 and len(lines[0].split("\t")) == 50
        else:
            assert lines[0] == "title\tgenre\tid" and len(lines) == 708


BAD_UPLOADS = [  # (the file, what the page must say)
    ("user,item\n1,2\n", "needs three"),
    ("user,item,rating\n1,2,4\n1,3,great\n", "Row 3: rating 'great'"),
    ("", "The file is empty"),
]


def test_bad_uploads_show_what_was_wrong_and_keep_the_model(server, page, tmp_path):
    page.goto(server + "/train?device=cpu")
    main = main_block(page)
    main.get_by_role("button", name="Train", exact=True).click()
    main.get_by_text("What it learned").wait_for(timeout=60_000)
    wait_idle(page)  # the finished page's last rerun done: a click then reaches what stays
    main.get_by_text("Data", exact=True).click()
    main.get_by_text("Upload a CSV").click()
    for k, (content, message) in enumerate(BAD_UPLOADS):  # one after another, in one session
        f = tmp_path / f"ratings{k}.csv"
        f.write_text(content)
        main.locator("input[type=file]").set_input_files(str(f))
        if message.startswith("Row"):  # the file parses; its ratings are checked on Load
            main.get_by_role("button", name="Load this CSV").click()
        main.get_by_text(message).wait_for()
        wait_idle(page)
        assert page.get_by_test_id("stException").count() == 0
        assert main.get_by_text("The data and model loaded before are unchanged.").count() >= 1
        assert main.get_by_text("built-in synthetic set (seed 0)").count() == 1
        assert main.get_by_text("What it learned").count() == 1  # the trained model stays
    shot(page, "train_bad_upload")


def test_two_sessions_train_at_once_and_stay_independent(server, browser):
    pages = []
    for seed in (1, 2):
        ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
        pg = ctx.new_page()
        pg.goto(f"{server}/train?seed={seed}&epochs=30&device=cpu")
        main_block(pg).get_by_role("button", name="Train", exact=True).wait_for()
        pages.append(pg)
    for pg in pages:
        main_block(pg).get_by_role("button", name="Train", exact=True).click()
    results = []
    for pg in pages:
        main = main_block(pg)
        main.get_by_text("Finished 30 epochs.").wait_for(timeout=120_000)
        wait_idle(pg)
        results.append(final_rmse(pg))
        assert "seed=" in pg.url
    assert results[0] != results[1]  # each session trained its own model with its own seed
    for pg in pages:
        pg.context.close()


def test_the_data_chooser_stays_open_while_the_settings_change(server, page):
    page.goto(server + "/train?device=cpu")
    main = main_block(page)
    main.get_by_role("button", name="Train", exact=True).wait_for()
    wait_idle(page)
    choice = main.get_by_text("MovieLens 100k", exact=True)
    assert not choice.is_visible()  # closed at first: the summary below says what is loaded
    main.get_by_text("Data", exact=True).click()
    choice.wait_for(state="visible")
    page.get_by_test_id("stSidebar").get_by_role("button", name="Increment").first.click()
    page.wait_for_url("**n_factors=51**", timeout=30_000)  # the change made its rerun
    wait_idle(page)
    assert choice.is_visible()  # and the chooser the user opened is still open


def test_each_click_on_a_point_selects_it_the_first_time(server, page):
    page.goto(server + "/train?device=cpu")
    main = main_block(page)
    main.get_by_role("button", name="Train", exact=True).click()
    main.get_by_text("What it learned").wait_for(timeout=120_000)
    wait_idle(page)
    plot = main.locator(".js-plotly-plot").filter(has_text="Item factors")
    points = plot.locator("g.trace path.point")
    item_box = main.get_by_role("combobox", name="Item (search a title, or click a point")
    prediction_box = main.get_by_role("combobox", name="Item", exact=True)
    seen = [item_box.input_value()]
    for k in (0, points.count() // 3, 2 * points.count() // 3):
        plot.scroll_into_view_if_needed()
        points.nth(k).click(force=True)
        deadline = time.monotonic() + 30  # one click, one selection: no second click needed
        while item_box.input_value() == seen[-1] and time.monotonic() < deadline:
            time.sleep(0.1)
        wait_idle(page)
        seen.append(item_box.input_value())
        assert prediction_box.input_value() == seen[-1]  # "one prediction" follows it too
    assert len(set(seen)) == 4, seen  # three clicks, three new selections
    shot(page, "three_clicks")
