"""The fork server's first preload: end it if the server dies while the preload is going.

multiprocessing's fork server watches a pipe from the server, but only once its preload
(torch, torch._dynamo, the compiled row step: seconds; a minute on a loaded machine) is done:
after a SIGTERM it outlived the server by 5 to 60 s. This thread watches the parent meanwhile
and is stopped by the last preload (`preloaded.py`), before the fork server forks a worker,
so no worker is forked from a process with a second thread. Imported anywhere else, it does
nothing.
"""

from __future__ import annotations

import os
import sys
import threading

# the fork server runs `python -c "from multiprocessing.forkserver import main; ..."` (a
# test runner's own `python -c` worker that imports the fork server's module is not one)
FORK_SERVER_MAIN = "from multiprocessing.forkserver import main"
IN_FORK_SERVER = any(arg.startswith(FORK_SERVER_MAIN) for arg in sys.orig_argv)
_PARENT = os.getppid()
_done = threading.Event()


def _watch() -> None:
    while not _done.wait(0.05):
        if os.getppid() != _PARENT:  # the server has died: this process was handed on
            os._exit(0)


_thread = threading.Thread(target=_watch, daemon=True, name="orphan-watch")
if IN_FORK_SERVER:
    _thread.start()


def done() -> None:
    """The preload is over: the fork server's own watch takes over."""
    _done.set()
    if _thread.is_alive():
        _thread.join()
