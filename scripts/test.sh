#!/usr/bin/env bash
# Set up everything the tests need and run them all: lint, format, JS units, unit, AppTest,
# browser. Arguments go to pytest: `-m "not e2e and not worker"` is the fast lane. The tests
# run in two processes (pytest-xdist): the browser tests spend much of their time waiting on
# a server or a browser; `-n 0` runs them in one.
# The browser tests need Debian's chromium (and the deploy test Debian's nginx); each is
# installed here when missing (apt-get, as root or through sudo). Playwright drives chromium;
# no browser is ever downloaded by Playwright.
set -euo pipefail
cd "$(dirname "$0")/.."
missing=""
[ -x /usr/bin/chromium ] || missing="$missing chromium"
command -v node >/dev/null || missing="$missing nodejs"
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null || missing="$missing nginx"
if [ -n "$missing" ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing >/dev/null
fi
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -r requirements-dev.txt
.venv/bin/ruff check .
.venv/bin/ruff format --check .
node --test tests/js/  # the charts' pure functions (Node's own runner, no packages)
exec .venv/bin/python -m pytest -n 2 "$@"
