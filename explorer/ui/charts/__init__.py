"""The browser's own charts: the live canvas and the replay player, as `st.components.v2`
components (`components.py`) over ES modules in this folder (their unit tests: tests/js/)."""
