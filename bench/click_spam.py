"""Click spam in a real browser, as a careless class does it: Train, Stop, Resume, Reset and
the sidebar's boxes, 0.05 s apart, during runs, on a server of its own; then count the
exceptions its log holds (issue goal: 0 over 20 rounds).

    .venv/bin/python -m bench.click_spam [--rounds 20] [--clicks 50]

tests/e2e/test_fuzz_browser.py runs the same spam, shorter.
"""

from __future__ import annotations

import argparse
import contextlib
import random
import re
import tempfile
import time
from pathlib import Path

from bench.browser import CHROMIUM, CHROMIUM_ARGS, streamlit_server

LINK = "/train?device=cpu&epochs=300&batch_size=64"


def wait_idle(page, timeout: float = 120) -> None:
    """Wait until Streamlit says the script is not running."""
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')",
        timeout=timeout * 1000,
    )


def spam(page, rng: random.Random, rounds: int, clicks: int, pause: float = 0.05) -> None:
    """`rounds` of `clicks` random clicks (70% on the four buttons, 30% on + or - of one of
    the sidebar's first boxes), each round followed by a wait for the page to settle."""
    main = page.get_by_test_id("stMainBlockContainer")
    main.get_by_role("button", name="Train", exact=True).wait_for()
    sidebar = page.get_by_test_id("stSidebar")
    names = ("Train", "Stop", "Resume", "Reset")
    targets = [main.get_by_role("button", name=n, exact=True) for n in names]
    boxes = sidebar.get_by_test_id("stNumberInput")
    for _ in range(rounds):
        for _ in range(clicks):
            if rng.random() < 0.7:
                target = rng.choice(targets)
            else:
                box = boxes.nth(rng.randrange(3))
                target = box.get_by_role("button", name=rng.choice(["Increment", "Decrement"]))
            with contextlib.suppress(Exception):  # disabled, or redrawn under the mouse
                target.click(timeout=250, no_wait_after=True)
            time.sleep(pause)
        wait_idle(page)


def exceptions(log: str) -> list[str]:
    """The last line of each traceback in a server log (the exception and its message)."""
    found, lines = [], log.splitlines()
    for k, line in enumerate(lines):
        if line.startswith("Traceback"):
            rest = [x for x in lines[k + 1 :] if x and not x.startswith(" ")]
            found.append(rest[0] if rest else line)
    found += [x for x in lines if re.search(r"\bException\b", x) and x not in found]
    return found


def main() -> None:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--clicks", type=int, default=50)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    log = Path(tempfile.mkdtemp()) / "server.log"
    started = time.perf_counter()
    with streamlit_server(log) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(60_000)
        page.goto(url + LINK)
        spam(page, random.Random(args.seed), args.rounds, args.clicks)
        browser.close()
    found = exceptions(log.read_text())
    took = time.perf_counter() - started
    print(f"{args.rounds} rounds of {args.clicks} clicks, 0.05 s apart, in {took:.0f} s")
    print(f"uncaught exceptions in the server log: {len(found)} (goal: 0)")
    for line in found:
        print("  " + line)


if __name__ == "__main__":
    main()
