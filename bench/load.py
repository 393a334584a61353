"""A class on one server: real browser sessions press Train, then close their tabs.

    python -m bench.load                  # 8 chromium sessions, the server's defaults
    python -m bench.load --agents 30      # then a class of 30 through Streamlit's agent API
    python -m bench.load --agents 30 --unwatched 5   # queue waits past the unwatched limit
    python -m bench.load --agents 30 --busy 2        # two busy processes beside the server

Prints, each beside its goal: the peak of worker processes (every child of the fork server:
training, stopping or ending) against the cap, the peak memory of the server and its workers
(proportional, PSS, so shared torch pages count once; and the sum of their RSS), each
worker's PSS and its own memory, the time from Train to the first step, the health check's
latency percentiles while two workers train, and the workers left 30 s, 2 and 4 minutes
after the sessions went away. A step that fails (a timeout on a loaded machine) is reported
and the rest still runs: the figures are printed whatever happens.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import re
import threading
import time
import traceback
import urllib.request
from pathlib import Path

from bench.browser import children, chromium, streamlit_server, training_workers

STEP = "step "


GOAL_MEMORY_MB = 2500  # the server and its workers, proportional memory
GOAL_HEALTH_P99_S = 1.0


def memory_mb(pid: int) -> dict[str, float]:
    """A process's Rss, Pss and own (private) memory in MB, from /proc/PID/smaps_rollup."""
    out = {"Rss": 0.0, "Pss": 0.0, "Own": 0.0}
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return out
    for line in text.splitlines():
        key, _, rest = line.partition(":")
        if key in ("Rss", "Pss", "Private_Clean", "Private_Dirty"):
            mb = int(rest.split()[0]) / 1024
            out["Own" if key.startswith("Private") else key] += mb
    return out


def tree(pid: int) -> list[int]:
    """A process and all its descendants."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += children(p)
    return out


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else 0.0


class Monitor(threading.Thread):
    """Samples workers, memory and the health check's latency twice a second."""

    def __init__(self, url: str, pid: int):
        super().__init__(daemon=True)
        self.url, self.pid, self.stop = url, pid, threading.Event()
        self.workers: list[int] = []
        self.pss: list[float] = []  # the server, its fork server and its workers
        self.rss: list[float] = []
        self.worker_pss: list[float] = []  # each worker, each sample
        self.worker_own: list[float] = []
        self.health: list[tuple[float, int]] = []  # (seconds, workers at the time)

    def run(self) -> None:
        while not self.stop.is_set():
            workers = training_workers(self.pid)
            self.workers.append(len(workers))
            mems = [memory_mb(p) for p in tree(self.pid)]
            self.pss.append(sum(m["Pss"] for m in mems))
            self.rss.append(sum(m["Rss"] for m in mems))
            for w in workers:
                m = memory_mb(w)
                if m["Pss"]:
                    self.worker_pss.append(m["Pss"])
                    self.worker_own.append(m["Own"])
            start = time.perf_counter()
            try:
                urllib.request.urlopen(self.url + "/_stcore/health", timeout=30).read()
                self.health.append((time.perf_counter() - start, len(workers)))
            except OSError:
                self.health.append((float("inf"), len(workers)))
            self.stop.wait(0.5)


def _busy() -> None:
    while True:
        pass


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


def browsers(url: str, pid: int, args, errors: list[str]) -> dict:
    """The browser sessions: open, press Train, wait until every one has trained, close. A
    step that fails is noted in errors; the others go on."""
    out = {"first_step_s": [None] * args.sessions}
    with chromium() as browser:
        pages, clicked = [], []

        def look() -> None:  # every open page, once: has its run taken a step yet?
            for k, (_, page) in enumerate(pages):
                if out["first_step_s"][k] is None and page and step_of(progress(page)) > 0:
                    out["first_step_s"][k] = time.monotonic() - clicked[k]

        for k in range(args.sessions):
            ctx = browser.new_context(viewport={"width": 1200, "height": 900})
            page = ctx.new_page()
            page.set_default_timeout(120_000)
            try:
                page.goto(f"{url}/train?epochs={args.epochs}&batch_size=64&device=cpu")
                main = page.get_by_test_id("stMainBlockContainer")
                main.get_by_role("button", name="Train", exact=True).click()
            except Exception as err:  # a timeout on a loaded machine: note it, go on
                errors.append(f"browser session {k + 1}: {type(err).__name__}: {err}"[:300])
                page = None
            clicked.append(time.monotonic())
            pages.append((ctx, page))
            look()
        deadline = time.monotonic() + args.wait
        while any(s is None and p for s, (_, p) in zip(out["first_step_s"], pages, strict=True)):
            if time.monotonic() > deadline:
                break
            look()
            time.sleep(0.5)
        for ctx, _ in pages:
            ctx.close()  # tabs closed, no Stop
    out["left"] = left_after(pid, time.monotonic())
    return out


def left_after(pid: int, since: float) -> dict[int, int]:
    """Worker processes left 30 s, 2 and 4 minutes after `since`."""
    left = {}
    for mark in (30, 120, 240):
        time.sleep(max(0.0, since + mark - time.monotonic()))
        left[mark] = len(training_workers(pid))
    return left


def _call(url: str, body: dict) -> dict:
    req = urllib.request.Request(
        url + "/_stcore/agent/interact",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=120) as r:
        return json.loads(r.read())


def agents(url: str, pid: int, n: int, epochs: int, wait: float, errors: list[str]) -> dict:
    """A class of n through the agent API (no browser): each session presses Train, then
    looks at its page every few seconds until it has trained, then goes quiet. A call that
    fails is noted in errors; the others go on."""

    def call(k: int, body: dict) -> dict:
        try:
            return _call(url, body)
        except Exception as err:
            errors.append(f"agent session {k + 1}: {type(err).__name__}: {err}"[:300])
            return {}

    sessions, clicked = [], []
    for k in range(n):
        first = call(k, {"page": "train", "query_params": {"epochs": [str(epochs)]}})
        sid = first.get("session_id")
        if sid is not None:
            call(k, {"session_id": sid, "trigger": {"key": "tr_train"}})
        sessions.append(sid)
        clicked.append(time.monotonic())
    first_step: list[float | None] = [None] * n
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        todo = [k for k, sid in enumerate(sessions) if sid and first_step[k] is None]
        if not todo:
            break
        for k in todo:
            found = re.search(r"step ([\d,]+)/", json.dumps(call(k, {"session_id": sessions[k]})))
            if found and int(found.group(1).replace(",", "")) > 0:
                first_step[k] = time.monotonic() - clicked[k]
        time.sleep(2)
    return {"first_step_s": first_step, "left": left_after(pid, time.monotonic())}


def _report(what: str, result: dict) -> None:
    steps = [s for s in result["first_step_s"] if s is not None]
    print(f"{what}:")
    if steps:
        print(f"  Train to first step: first {min(steps):.1f} s, last {max(steps):.1f} s")
    print(f"  sessions that never trained: {result['first_step_s'].count(None)}")
    left = result.get("left")
    if left:
        print(
            f"  workers left after they went away: {left[30]} at 30 s, {left[120]} at 2 min, "
            f"{left[240]} at 4 min (goal: 0 at 4 min)"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sessions", type=int, default=8)
    parser.add_argument("--epochs", type=int, default=100, help="about a minute, two at once")
    parser.add_argument("--wait", type=float, default=900, help="most seconds for all to train")
    parser.add_argument("--agents", type=int, default=0, help="then a class of N agents")
    parser.add_argument("--agent-epochs", type=int, default=20, help="each agent's run")
    parser.add_argument("--unwatched", type=float, help="the server's EXPLORER_UNWATCHED_S")
    parser.add_argument("--busy", type=int, default=0, help="busy processes beside the server")
    args = parser.parse_args(argv)
    server_args = ("--server.enableAgentApi", "true") if args.agents else ()
    env = {} if args.unwatched is None else {"EXPLORER_UNWATCHED_S": str(args.unwatched)}
    busy = [mp.Process(target=_busy, daemon=True) for _ in range(args.busy)]
    for b in busy:
        b.start()
    result, errors, monitor = {}, [], None
    try:
        with streamlit_server(args=server_args, env=env, with_pid=True) as (url, pid):
            monitor = Monitor(url, pid)
            monitor.start()
            try:
                result["browsers"] = browsers(url, pid, args, errors)
                if args.agents:
                    result["agents"] = agents(
                        url, pid, args.agents, args.agent_epochs, args.wait, errors
                    )
            except Exception as err:  # report what was measured, whatever failed
                errors.append(f"{type(err).__name__}: {err}"[:300])
                traceback.print_exc()
            monitor.stop.set()
            monitor.join()
    finally:
        for b in busy:
            b.kill()
        report(args, result, errors, monitor)
    return 0


def report(args, result: dict, errors: list[str], monitor: Monitor | None) -> None:
    from explorer import limits

    cap = limits.max_workers()
    busy = f", {args.busy} busy processes beside it" if args.busy else ""
    unwatched = f", EXPLORER_UNWATCHED_S={args.unwatched:g}" if args.unwatched else ""
    print(f"cap on worker processes: {cap} (cores here: {limits.cores()}){unwatched}{busy}")
    if "browsers" in result:
        _report(f"{args.sessions} browser sessions, {args.epochs} epochs", result["browsers"])
    if "agents" in result:
        _report(f"{args.agents} agent sessions, {args.agent_epochs} epochs", result["agents"])
    if monitor is not None and monitor.workers:
        print(f"peak worker processes: {max(monitor.workers)} (goal: at most the cap, {cap})")
        print(
            f"peak memory of the server and its workers: {max(monitor.pss):,.0f} MB "
            f"proportional (goal: under {GOAL_MEMORY_MB:,} MB); sum of RSS "
            f"{max(monitor.rss):,.0f} MB"
        )
        if monitor.worker_pss:
            print(
                f"a worker: PSS median {percentile(monitor.worker_pss, 0.5):.0f} MB, peak "
                f"{max(monitor.worker_pss):.0f} MB; its own memory median "
                f"{percentile(monitor.worker_own, 0.5):.0f} MB, peak "
                f"{max(monitor.worker_own):.0f} MB"
            )
        for what, rows in (
            ("while 2 workers train", [h for h, w in monitor.health if w >= 2]),
            ("over the whole run", [h for h, _ in monitor.health]),
        ):
            ok = [h for h in rows if h != float("inf")]
            if ok:
                print(
                    f"health check {what}: p50 {percentile(ok, 0.5) * 1e3:.0f} ms, p99 "
                    f"{percentile(ok, 0.99) * 1e3:.0f} ms (goal: under "
                    f"{GOAL_HEALTH_P99_S * 1e3:.0f} ms), worst {max(ok) * 1e3:.0f} ms, "
                    f"{len(rows) - len(ok)} failed, {len(rows)} samples"
                )
    print(f"steps that failed: {len(errors)}")
    for line in errors:
        print("  " + line)


if __name__ == "__main__":
    raise SystemExit(main())
