"""The fork server does not outlive its server, even while it is still preloading torch."""

import os
import subprocess
import sys
import time
from pathlib import Path

from tests.train.worker.test_runner import gone

ROOT = Path(__file__).resolve().parents[3]


def test_the_fork_server_ends_with_its_server_even_during_its_preload(tmp_path):
    script, pid_file = tmp_path / "server.py", tmp_path / "pid"
    script.write_text(
        "import os, sys, threading, time\n"
        "from multiprocessing import forkserver\n"
        "from explorer.train.worker.worker import warm_up\n"
        "if __name__ == '__main__':\n"
        "    threading.Thread(target=warm_up, daemon=True).start()\n"
        "    while forkserver._forkserver._forkserver_pid is None: time.sleep(0.01)\n"
        "    open(sys.argv[1], 'w').write(str(forkserver._forkserver._forkserver_pid))\n"
        "    time.sleep(0.3)  # the fork server is importing torch (seconds)\n"
        "    os.kill(os.getpid(), 9)  # the server dies, no clean-up of any kind\n"
    )
    # no pipe on its output: a captured stdout is held open by the fork server too, and
    # waiting for its end would wait for the fork server's
    subprocess.run(
        [sys.executable, str(script), str(pid_file)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=120,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    died = time.monotonic()
    pid = int(pid_file.read_text())
    # its preload had seconds to go (11 s under load, measured); it used to live on to its end
    assert gone(pid, timeout=1.5), f"the fork server lived on {time.monotonic() - died:.1f} s"


def test_the_parent_watch_does_nothing_outside_the_fork_server():
    from explorer.train.worker import orphan

    assert not orphan.IN_FORK_SERVER and not orphan._thread.is_alive()


def test_another_python_c_process_is_not_taken_for_the_fork_server():
    # a test runner's worker (pytest-xdist runs `python -c ...`) that imports the fork
    # server's module once started the watch, which ends its process when its parent changes
    code = (
        "import multiprocessing.forkserver\n"
        "from explorer.train.worker import orphan\n"
        "print(orphan.IN_FORK_SERVER, orphan._thread.is_alive())\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=True,
    ).stdout
    assert out.split() == ["False", "False"]
