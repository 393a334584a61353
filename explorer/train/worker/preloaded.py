"""The fork server's last preload: its parent watch (`orphan.py`) ends here."""

from explorer.train.worker import orphan

orphan.done()
