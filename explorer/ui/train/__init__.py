"""The Train page, a module per section: `page.py` (settings, buttons, routing), `data.py`
and `loading.py` (the data choice), `session.py` (the session's run and history), `live.py`
and `factors.py` (the live view), `replay.py`, `results.py`, `prediction.py`, `runs.py`."""
