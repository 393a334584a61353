"""deploy/: two app replicas behind a real nginx (Debian's package), started by
deploy/start.sh. Two browser sessions land on different replicas and stay there (the page,
its websocket, its run), each trains and replays, and each replica's cap holds."""

import os
import signal
import subprocess
import threading
from pathlib import Path

import pytest
from playwright.sync_api import expect

from bench.browser import children, free_port, training_workers, wait_healthy
from tests.e2e.conftest import ROOT

pytestmark = pytest.mark.e2e
LINK = "/train?device=cpu&epochs=60&train=1"  # a few seconds: each run is seen training


def replica_pids(start_pid: int, ports: list[int]) -> dict[int, int]:
    """port -> the pid of the streamlit replica serving it (children of start.sh)."""
    out = {}
    for pid in children(start_pid):
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        for port in ports:
            if b"streamlit" in b" ".join(cmd) and str(port).encode() in cmd:
                out[port] = pid
    return out


def test_two_sessions_through_nginx_stay_on_their_replicas_train_and_replay(browser, tmp_path):
    listen, first = free_port(), free_port()
    ports = [first, first + 1]
    env = {**os.environ, "EXPLORER_MAX_WORKERS": "1", "TMPDIR": str(tmp_path)}
    start = subprocess.Popen(
        ["bash", "deploy/start.sh", "2", str(listen), str(first)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its replicas and nginx stop with its group
    )
    url = f"http://127.0.0.1:{listen}"
    peaks: dict[int, int] = {}
    seen_training: set[int] = set()
    stop = threading.Event()
    try:
        wait_healthy(url, timeout=180, alive=lambda: start.poll() is None)
        pids = replica_pids(start.pid, ports)
        assert sorted(pids) == ports

        def watch() -> None:  # worker processes of each replica, twenty times a second
            while not stop.is_set():
                for port, pid in pids.items():
                    n = len(training_workers(pid))
                    peaks[port] = max(peaks.get(port, 0), n)
                    if n:
                        seen_training.add(port)
                stop.wait(0.05)

        threading.Thread(target=watch, daemon=True).start()
        # fresh browsers until two land on different replicas (nginx picks at random): a
        # health check through nginx gets each one its cookie (the context's cookie jar), and
        # a page opens only in the two kept
        sessions, by_replica = [], {}
        for _ in range(40):
            ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
            replica = ctx.request.get(url + "/_stcore/health").headers["x-explorer-replica"]
            if replica in by_replica or len(by_replica) == 2:
                ctx.close()
                continue
            cookie = [c for c in ctx.cookies() if c["name"] == "explorer_replica"]
            assert cookie, "nginx set no affinity cookie"
            page = ctx.new_page()
            page.set_default_timeout(90_000)
            by_replica[replica] = (ctx, page)
        assert sorted(by_replica) == [f"127.0.0.1:{p}" for p in ports]
        for replica, (_, page) in by_replica.items():
            answer = page.goto(url + LINK)  # the same browser: the same replica
            assert answer.headers["x-explorer-replica"] == replica
            sessions.append(page)
        for page in sessions:  # both trained on open; each shows its results and replay
            expect(page.get_by_text("What it learned")).to_be_visible(timeout=120_000)
            expect(page.get_by_text("Replay the run")).to_be_visible(timeout=60_000)
            page.locator(".replay canvas").first.wait_for()
        stop.set()
        assert set(seen_training) == set(ports)  # each run trained on its own replica
        assert all(peaks[p] <= 1 for p in ports), peaks  # EXPLORER_MAX_WORKERS=1 each
        for ctx, _ in by_replica.values():
            ctx.close()
    finally:
        stop.set()
        os.killpg(start.pid, signal.SIGTERM)
        out, _ = start.communicate(timeout=30)
    assert b"2 replicas" in out, out.decode()[-2000:]
