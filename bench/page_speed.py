"""How soon a visitor sees the app's first chart, beside Streamlit and plotly's own floor.

    .venv/bin/python -m bench.page_speed [--rounds 7] [--cold 3]

1. Warm servers (each visited once first): the app's Lookup page and a one-title,
   one-heatmap Streamlit page (bench/floor_app.py), visited alternately, each visit in a fresh
   headless chromium context at 1280x800; the median seconds from asking for the page to its
   first rendered chart, and their ratio (goal: at most 1.3).
2. The Train page opened by a link with train=1: the median seconds to its Train button and
   to its first chart (the live canvas), beside the same floor.
3. The first visitor of a fresh server: a server started for each visit, the app's and the
   floor's alternately; seconds from asking for the page to its first chart (goal: the app
   within 2 times the floor), and from the server's start to its health check. The visitor
   comes the moment the health check answers (the worst case), and again `--late` seconds
   after the server started (a class arriving after the teacher started it).

Where the time went, for each kind of visit: the browser's own timeline (the HTML and the
frontend's scripts loaded: DOMContentLoaded), the first message from the server over the
websocket (the script has started), and the bytes and messages the websocket carried before
the chart was drawn, and the browser's main thread's work until then (Chrome's own counters,
Performance.getMetrics: TaskDuration and ScriptDuration).
"""

from __future__ import annotations

import argparse
import statistics
import time
from contextlib import ExitStack

from bench.browser import chromium, streamlit_server

CHART = ".js-plotly-plot .main-svg, .live-chart canvas"
LOOKUP = "/"
TRAIN = "/train?train=1&device=cpu"
GOAL_WARM, GOAL_COLD = 1.3, 2.0


def visit(browser, url: str, wait_for: str = CHART, button: bool = False) -> dict[str, float]:
    """One visit in a fresh context: seconds to the first chart (and to the Train button),
    DOMContentLoaded, the first websocket message, and what the websocket carried."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 800})
    page = ctx.new_page()
    page.set_default_timeout(120_000)
    cdp = ctx.new_cdp_session(page)  # the browser's own counters of its main thread's work
    cdp.send("Performance.enable")
    got = {"bytes": 0, "messages": 0, "first_ws": None}
    start = time.perf_counter()

    def on_ws(ws) -> None:
        def frame(payload) -> None:
            if got["first_ws"] is None:
                got["first_ws"] = time.perf_counter() - start
            if "chart" not in got:
                got["bytes"] += len(payload)
                got["messages"] += 1

        ws.on("framereceived", frame)

    page.on("websocket", on_ws)
    page.goto(url, wait_until="commit")
    out = {}
    if button:
        main = page.get_by_test_id("stMainBlockContainer")
        main.get_by_role("button", name="Train", exact=True).wait_for()
        out["button"] = time.perf_counter() - start
    page.locator(wait_for).first.wait_for(state="attached")
    got["chart"] = out["chart"] = time.perf_counter() - start
    out["dom"] = page.evaluate(
        "() => performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd / 1000"
    )
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    out.update(first_ws=got["first_ws"] or 0.0, kb=got["bytes"] / 1024, messages=got["messages"])
    out.update(busy=metrics.get("TaskDuration", 0.0), script=metrics.get("ScriptDuration", 0.0))
    ctx.close()
    return out


def median(rows: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in rows)


def where(name: str, rows: list[dict]) -> None:
    print(
        f"    {name}: DOMContentLoaded {median(rows, 'dom'):.2f} s, first websocket message "
        f"{median(rows, 'first_ws'):.2f} s, chart {median(rows, 'chart'):.2f} s; before the "
        f"chart the websocket carried {median(rows, 'kb'):,.0f} KiB in "
        f"{median(rows, 'messages'):.0f} messages; the browser's main thread had worked "
        f"{median(rows, 'busy'):.2f} s, {median(rows, 'script'):.2f} s of it in scripts"
    )


def warm(browser, rounds: int) -> None:
    with ExitStack() as stack:
        app = stack.enter_context(streamlit_server())
        floor = stack.enter_context(streamlit_server(script="bench/floor_app.py"))
        visit(browser, app + LOOKUP)  # warm: imports done, caches filled, worker started
        visit(browser, app + TRAIN, button=True)
        visit(browser, floor)
        rows: dict[str, list] = {"app": [], "floor": [], "train": []}
        for _ in range(rounds):
            rows["app"].append(visit(browser, app + LOOKUP))
            rows["floor"].append(visit(browser, floor))
            rows["train"].append(visit(browser, app + TRAIN, button=True))
    a, f = median(rows["app"], "chart"), median(rows["floor"], "chart")
    print(f"1. Lookup page, warm server, {rounds} fresh visits each, medians:")
    print(f"    app {a:.2f} s, floor {f:.2f} s: {a / f:.2f} times the floor (goal: {GOAL_WARM})")
    where("app", rows["app"])
    where("floor", rows["floor"])
    t, b = median(rows["train"], "chart"), median(rows["train"], "button")
    print("2. Train page from a link with train=1, warm server, medians:")
    print(f"    Train button {b:.2f} s; first chart {t:.2f} s: {t / f:.2f} times the floor's chart")
    where("train", rows["train"])


def cold(browser, rounds: int, late: float) -> None:
    rows: dict[str, list] = {"app": [], "floor": [], "late": []}
    health: dict[str, list] = {"app": [], "floor": []}
    for _ in range(rounds):
        for name, script in (("app", "app.py"), ("floor", "bench/floor_app.py"), ("late", "")):
            started = time.perf_counter()
            with streamlit_server(script=script or "app.py") as url:
                if name in health:
                    health[name].append(time.perf_counter() - started)
                else:  # the class comes in a little after the server was started
                    time.sleep(max(0.0, started + late - time.perf_counter()))
                rows[name].append(visit(browser, url if name == "floor" else url + LOOKUP))
    a, f = median(rows["app"], "chart"), median(rows["floor"], "chart")
    print(f"3. The first visitor of a fresh server, {rounds} servers each, medians:")
    print(f"    app {a:.2f} s, floor {f:.2f} s: {a / f:.2f} times the floor (goal: {GOAL_COLD})")
    z = median(rows["late"], "chart")
    print(f"    the same visitor {late:g} s after the server started: {z:.2f} s, {z / f:.2f} times")
    print(
        f"    health check answered {statistics.median(health['app']):.2f} s after the app "
        f"server started ({statistics.median(health['floor']):.2f} s for the floor's)"
    )
    where("app", rows["app"])
    where("floor", rows["floor"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7, help="warm visits of each page")
    parser.add_argument("--cold", type=int, default=3, help="fresh servers of each")
    parser.add_argument("--late", type=float, default=10, help="seconds, for a later visitor")
    args = parser.parse_args(argv)
    with chromium() as browser:
        warm(browser, args.rounds)
        if args.cold:
            cold(browser, args.cold, args.late)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
