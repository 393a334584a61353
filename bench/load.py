"""A class on one server: real browser sessions press Train, then close their tabs.

    python -m bench.load                  # 8 chromium sessions, the server's defaults
    python -m bench.load --agents 30      # then a class of 30 through Streamlit's agent API

Prints the peak of training workers against the cap, the peak memory of the server and its
workers, the time from Train to the first step for the first and the last session in the
queue, the health check's latency under load, and the workers left 30 s, 2 and 4 minutes
after the tabs closed (goal: none after Streamlit's session TTL plus a heartbeat).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import threading
import time
import urllib.request
from pathlib import Path

from bench.browser import children, chromium, streamlit_server, training_workers

STEP = "step "


def rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants, in MB."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
        todo += children(p)
    return total / 1024


class Monitor(threading.Thread):
    """Samples workers, memory and the health check's latency twice a second."""

    def __init__(self, url: str, pid: int):
        super().__init__(daemon=True)
        self.url, self.pid, self.stop = url, pid, threading.Event()
        self.workers: list[int] = []
        self.memory: list[float] = []
        self.health: list[float] = []

    def run(self) -> None:
        while not self.stop.is_set():
            self.workers.append(len(training_workers(self.pid)))
            self.memory.append(rss_mb(self.pid))
            start = time.perf_counter()
            try:
                urllib.request.urlopen(self.url + "/_stcore/health", timeout=30).read()
                self.health.append(time.perf_counter() - start)
            except OSError:
                self.health.append(float("inf"))
            self.stop.wait(0.5)


def step_of(text: str) -> int:
    if STEP not in text:
        return -1
    return int(text.split(STEP, 1)[1].split("/", 1)[0].replace(",", ""))


def progress(page) -> str:
    bar = page.get_by_test_id("stMainBlockContainer").get_by_test_id("stProgress")
    try:
        return bar.first.inner_text(timeout=1000) if bar.count() else ""
    except Exception:  # a page mid-rerun
        return ""


def browsers(url: str, pid: int, args, monitor: Monitor) -> dict:
    """The 8 sessions: open, press Train, wait until every one has trained, close."""
    out = {}
    with chromium() as browser:
        pages, clicked, first_step = [], [], []

        def look() -> None:  # every open page, once: has its run taken a step yet?
            for k, (_, page) in enumerate(pages):
                if first_step[k] is None and step_of(progress(page)) > 0:
                    first_step[k] = time.monotonic() - clicked[k]

        for _ in range(args.sessions):
            ctx = browser.new_context(viewport={"width": 1200, "height": 900})
            page = ctx.new_page()
            page.set_default_timeout(120_000)
            page.goto(f"{url}/train?epochs={args.epochs}&batch_size=64&device=cpu")
            main = page.get_by_test_id("stMainBlockContainer")
            main.get_by_role("button", name="Train", exact=True).click()
            clicked.append(time.monotonic())
            pages.append((ctx, page))
            first_step.append(None)
            look()
        deadline = time.monotonic() + args.wait
        while None in first_step and time.monotonic() < deadline:
            look()
            time.sleep(0.5)
        out["first_step_s"] = first_step
        for ctx, _ in pages:
            ctx.close()  # tabs closed, no Stop
    closed = time.monotonic()
    left = {}
    for mark in (30, 120, 240):
        time.sleep(max(0.0, closed + mark - time.monotonic()))
        left[mark] = len(training_workers(pid))
    out["left"] = left
    return out


def _call(url: str, body: dict) -> dict:
    req = urllib.request.Request(
        url + "/_stcore/agent/interact",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=120) as r:
        return json.loads(r.read())


def agents(url: str, pid: int, n: int, epochs: int, wait: float) -> dict:
    """A class of n through the agent API (no browser): each session presses Train, then
    looks at its page every few seconds until it has trained, then goes quiet."""
    sessions, clicked = [], []
    for _ in range(n):
        first = _call(url, {"page": "train", "query_params": {"epochs": [str(epochs)]}})
        _call(url, {"session_id": first["session_id"], "trigger": {"key": "tr_train"}})
        sessions.append(first["session_id"])
        clicked.append(time.monotonic())
    first_step: list[float | None] = [None] * n
    deadline = time.monotonic() + wait
    while None in first_step and time.monotonic() < deadline:
        for k, sid in enumerate(sessions):
            if first_step[k] is None:
                found = re.search(r"step ([\d,]+)/", json.dumps(_call(url, {"session_id": sid})))
                if found and int(found.group(1).replace(",", "")) > 0:
                    first_step[k] = time.monotonic() - clicked[k]
        time.sleep(2)
    quiet = time.monotonic()
    left = {}
    for mark in (30, 120, 240):
        time.sleep(max(0.0, quiet + mark - time.monotonic()))
        left[mark] = len(training_workers(pid))
    return {"first_step_s": first_step, "left": left}


def _report(what: str, result: dict, cap: int) -> None:
    steps = [s for s in result["first_step_s"] if s is not None]
    print(f"{what}:")
    if steps:
        print(f"  Train to first step: first {min(steps):.1f} s, last {max(steps):.1f} s")
    print(f"  sessions that never trained: {result['first_step_s'].count(None)}")
    left = result["left"]
    print(
        f"  workers left after they went away: {left[30]} at 30 s, {left[120]} at 2 min, "
        f"{left[240]} at 4 min"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sessions", type=int, default=8)
    parser.add_argument("--epochs", type=int, default=100, help="about a minute, two at once")
    parser.add_argument("--wait", type=float, default=900, help="most seconds for all to train")
    parser.add_argument("--agents", type=int, default=0, help="then a class of N agents")
    parser.add_argument("--agent-epochs", type=int, default=20, help="each agent's run")
    args = parser.parse_args(argv)
    server_args = ("--server.enableAgentApi", "true") if args.agents else ()
    with streamlit_server(args=server_args, with_pid=True) as (url, pid):
        from explorer import limits

        monitor = Monitor(url, pid)
        monitor.start()
        result = browsers(url, pid, args, monitor)
        result["browser_peak"] = max(monitor.workers)
        result["browser_memory"] = max(monitor.memory)
        if args.agents:
            result["agents"] = agents(url, pid, args.agents, args.agent_epochs, args.wait)
        monitor.stop.set()
        monitor.join()
    health = [h for h in monitor.health if h != float("inf")]
    cap = limits.max_workers()
    print(f"cap on training workers: {cap} (cores here: {limits.cores()})")
    _report(f"{args.sessions} browser sessions, {args.epochs} epochs", result, cap)
    print(
        f"  peak workers {result['browser_peak']}, peak memory of the server and its "
        f"workers {result['browser_memory']:,.0f} MB"
    )
    if "agents" in result:
        _report(f"{args.agents} agent sessions, {args.agent_epochs} epochs", result["agents"], cap)
    print(f"peak training workers over the whole run: {max(monitor.workers)} (cap {cap})")
    print(f"peak memory, server and workers: {max(monitor.memory):,.0f} MB")
    print(
        f"health check under load: median {statistics.median(health) * 1e3:.0f} ms, "
        f"worst {max(health) * 1e3:.0f} ms, {len(monitor.health) - len(health)} failed"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
