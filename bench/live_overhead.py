"""What drawing the Train page live costs the training, measured side by side in one run.

    python -m bench.live_overhead [--epochs 600] [--batch-size 16] [--rounds 3]

1. A full default demo from a cold start: server launched, Train page opened, its title and
   text painted (target: under 1 s after the page is asked for), Train pressed, run finished,
   every plot drawn (target: under 10 s), then the replay played through: the frames a second
   the browser drew (target: at least 10).
2. The same training run headless (a TrainingRun, no page) and with the page drawing it in
   headless chromium, alternated `--rounds` times; the training's wall time in each, and the
   ratio. Target: drawing costs under 15% of the training time.
3. How often the page's own progress text changed in the browser while training. Target: at
   least twice a second.
"""

from __future__ import annotations

import argparse
import statistics
import time

from bench.browser import chromium, streamlit_server
from explorer.data.synthetic import synthetic_ratings
from explorer.train.config import TrainConfig
from explorer.train.worker.runner import TrainingRun
from explorer.train.worker.worker import warm_up
from explorer.ui.intro import TRAIN_TITLE

PLOTS_AFTER_TRAINING = 4  # loss, RMSE, item factors, planted genres


def _main(page):
    return page.get_by_test_id("stMainBlockContainer")


def cold_demo(browser) -> tuple[dict[str, float], float, float]:
    """Seconds from launching the server to each milestone of the default demo; the seconds
    from asking for the page to its first paint; the replay's frames a second."""
    start = time.perf_counter()
    marks = {}
    with streamlit_server() as url:
        marks["server healthy"] = time.perf_counter() - start
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        asked = time.perf_counter()
        page.goto(url + "/train", wait_until="commit")
        page.get_by_role("heading", name=TRAIN_TITLE).wait_for(timeout=60_000)
        painted = time.perf_counter()
        marks["first paint: title and text"] = painted - start
        main = _main(page)
        main.get_by_role("button", name="Train", exact=True).click()
        marks["Train pressed"] = time.perf_counter() - start
        main.get_by_text("What it learned").wait_for(timeout=60_000)
        marks["run finished, results shown"] = time.perf_counter() - start
        page.wait_for_function(
            f"() => document.querySelectorAll('.js-plotly-plot .main-svg').length >= "
            f"{PLOTS_AFTER_TRAINING}",
            timeout=60_000,
        )
        marks["all plots drawn"] = time.perf_counter() - start
        replay_fps = play_replay(page)
        page.close()
    return marks, painted - asked, replay_fps


def floor_paint(browser) -> float:
    """Seconds from asking for a one-title Streamlit app on a cold server to its title."""
    with streamlit_server(script="bench/empty_app.py") as url:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        asked = time.perf_counter()
        page.goto(url, wait_until="commit")
        page.get_by_role("heading", name=TRAIN_TITLE).wait_for(timeout=60_000)
        seconds = time.perf_counter() - asked
        page.close()
    return seconds


def play_replay(page) -> float:
    """Press the replay's Play, wait for the last frame; the frames a second it drew."""
    page.locator(".replay[data-frame]").first.wait_for(timeout=60_000)
    page.wait_for_function(  # the page's last rerun done: nothing redraws the player now
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000
    )
    page.locator(".replay-play").first.scroll_into_view_if_needed()
    page.locator(".replay-play").first.click()
    player = page.locator(".replay").first  # in the component's shadow root: a locator
    deadline = time.monotonic() + 120  # finds it there, document.querySelector would not
    while player.get_attribute("data-fps") is None or player.get_attribute("data-playing") != "0":
        if time.monotonic() > deadline:
            raise TimeoutError("the replay did not play to its end")
        time.sleep(0.5)  # a slow poll: the player's frame rate is what is measured
    return float(player.get_attribute("data-fps"))


# Records each new progress text with its time, in the page itself: polling from here costs
# chromium and Playwright CPU that the training worker would lose, which is not the page's cost.
WATCH_PROGRESS = """() => {
  window.__progress = [];
  window.__finished = null;
  const record = () => {
    const main = document.querySelector('[data-testid="stMainBlockContainer"]');
    const bar = main && main.querySelector('[data-testid="stProgress"]');
    const text = bar ? bar.textContent : '';
    const seen = window.__progress;
    if (text.includes('ratings/s') && (!seen.length || seen[seen.length - 1][1] !== text)) {
      seen.push([performance.now(), text]);
    }
    for (const alert of main ? main.querySelectorAll('[data-testid="stAlert"]') : []) {
      const done = alert.textContent.match(/Training took ([0-9.]+) s/);
      if (done) window.__finished = parseFloat(done[1]);
    }
  };
  const what = {subtree: true, childList: true, characterData: true};
  new MutationObserver(record).observe(document.body, what);
}"""


def with_page(
    browser, url: str, epochs: int, batch_size: int, plots: bool = True
) -> tuple[float, float]:
    """Train from the page; return (training seconds the page reports, progress updates/s)."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{url}/train?epochs={epochs}&batch_size={batch_size}")
    main = _main(page)
    if not plots:  # the page's own switch: progress text only while training
        main.get_by_text("Draw the plots while training").click()
        page.wait_for_timeout(1000)  # the rerun that records the switch
    main.get_by_role("button", name="Train", exact=True).wait_for()
    page.evaluate(WATCH_PROGRESS)
    main.get_by_role("button", name="Train", exact=True).click()
    page.wait_for_function("() => window.__finished !== null", polling=500, timeout=600_000)
    took = page.evaluate("() => window.__finished")
    seen = page.evaluate("() => window.__progress")
    page.close()
    rate = (len(seen) - 1) / ((seen[-1][0] - seen[0][0]) / 1e3) if len(seen) > 1 else 0.0
    return took, rate


def headless(ratings, epochs: int, batch_size: int) -> float:
    run = TrainingRun(ratings, TrainConfig(epochs=epochs, batch_size=batch_size))
    run.start()
    run.join()
    return run.view().train_seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--epochs", type=int, default=600)  # about 4 s of training here
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    with chromium() as browser:
        demo, first_paint, fps = cold_demo(browser)
        print("\n1. Full default demo from a cold start (target: all plots drawn in < 10 s):")
        for mark, seconds in demo.items():
            print(f"    {seconds:>5.1f} s  {mark}")
        floor = floor_paint(browser)
        print(
            f"    first paint {first_paint:.2f} s after the page was asked for; an app that "
            f"draws only this title, cold, on the same machine: {floor:.2f} s; the app's own "
            f"part {first_paint - floor:+.2f} s (target: under 1 s)"
        )
        print(f"    replay played at {fps:.1f} frames a second (target: at least 10)")
        ratings = synthetic_ratings(20_000, seed=0)  # the page's default set
        warm_up(wait=True)
        rows = []
        with streamlit_server() as url:
            with_page(browser, url, 2, args.batch_size)  # warm the server's worker pool
            for _ in range(args.rounds):
                page_s, rate = with_page(browser, url, args.epochs, args.batch_size)
                bare_s = headless(ratings, args.epochs, args.batch_size)
                text_s, text_rate = with_page(browser, url, args.epochs, args.batch_size, False)
                rows.append((bare_s, page_s, rate, text_s, text_rate))
    print(
        f"\n2. The same run ({args.epochs} epochs, batch {args.batch_size}, 20,000 ratings) "
        "headless and drawn live in chromium, alternated:"
    )
    print(
        f"    {'round':>5} {'headless s':>10} {'page, plots s':>13} {'overhead':>9} "
        f"{'updates/s':>9} {'page, text s':>12} {'overhead':>9} {'updates/s':>9}"
    )
    for k, (bare, page, rate, text, text_rate) in enumerate(rows, start=1):
        print(
            f"    {k:>5} {bare:>10.2f} {page:>13.2f} {page / bare - 1:>8.0%} {rate:>9.1f} "
            f"{text:>12.2f} {text / bare - 1:>8.0%} {text_rate:>9.1f}"
        )
    over = statistics.median(r[1] / r[0] - 1 for r in rows)
    over_text = statistics.median(r[3] / r[0] - 1 for r in rows)
    print(
        f"    median overhead of live drawing: {over:.0%} with the plots, {over_text:.0%} with "
        "the progress text alone (target: under 15%)"
    )
    print(
        f"\n3. Progress updates reaching the browser: median "
        f"{statistics.median(r[2] for r in rows):.1f} per second with the plots, "
        f"{statistics.median(r[4] for r in rows):.1f} without (target: at least 2)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
