#!/usr/bin/env bash
# Set up a virtual environment (first time only) and start the app on the built-in data.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -r requirements.txt
exec .venv/bin/python -m streamlit run app.py "$@"
