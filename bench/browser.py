"""The app started as the README starts it, and Debian's chromium: shared by the browser tests
and the live-drawing benchmark."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, timeout: float = 60, alive=lambda: True) -> None:
    """Return once url's /_stcore/health says ok; RuntimeError past timeout, or once alive()
    (is the server's process still there?) says False."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if urllib.request.urlopen(url + "/_stcore/health", timeout=2).read() == b"ok":
                return
        except OSError:
            if time.monotonic() > deadline or not alive():
                raise RuntimeError(f"{url} did not become healthy") from None
            time.sleep(0.1)


@contextmanager
def streamlit_server(
    log_path: Path | None = None,
    timeout: float = 60,
    script: str = "app.py",
    args: tuple[str, ...] = (),
    env: dict[str, str] | None = None,
    with_pid: bool = False,
):
    """`streamlit run app.py` (or another script under the repository) on a free port; yields
    the base URL once /_stcore/health is ok. args: more server options; env: more variables
    (the operator's limits); with_pid: yield (url, the server's pid)."""
    port = free_port()
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        script,
        "--server.headless",
        "true",
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(port),
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
        *args,
    ]
    log = open(log_path, "w") if log_path else subprocess.DEVNULL  # noqa: SIM115
    proc = subprocess.Popen(
        cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})}
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, timeout, lambda: proc.poll() is None)
        yield url if not with_pid else (url, proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        if log_path:
            log.close()


@contextmanager
def chromium():
    """A headless Debian chromium driven by Playwright (which never downloads a browser)."""
    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"{CHROMIUM} is missing: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def children(pid: int) -> list[int]:
    """The live (not zombie) child processes of pid, from /proc."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(") ", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            out.append(int(stat.parent.name))
    return out


def fork_servers(server_pid: int) -> list[int]:
    """The training workers' fork server(s) among the children of a server process."""
    found = []
    for child in children(server_pid):
        try:
            cmd = Path(f"/proc/{child}/cmdline").read_bytes()
        except OSError:
            continue
        if b"forkserver" in cmd:
            found.append(child)
    return found


def training_workers(server_pid: int) -> list[int]:
    """The training workers of a Streamlit server: the children of its fork server."""
    return [w for fork_server in fork_servers(server_pid) for w in children(fork_server)]
