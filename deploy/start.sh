#!/usr/bin/env bash
# Start Embedding Explorer as N replicas behind nginx (Debian's package), on this machine.
#
#   deploy/start.sh [REPLICAS=2] [LISTEN_PORT=8500] [FIRST_REPLICA_PORT=8601]
#
# Each replica is `streamlit run app.py` on 127.0.0.1 with its own limits (EXPLORER_* from
# this environment: EXPLORER_MAX_WORKERS and EXPLORER_MAX_SERVER_MB hold per replica) and one
# shared cookie secret (an XSRF token is good on any replica). nginx listens on LISTEN_PORT
# and keeps each browser on one replica (deploy/nginx.conf.in says how). Everything runs in
# the foreground and stops together on Ctrl-C or SIGTERM; nothing here needs root.
# LISTEN_ADDRESS (default 127.0.0.1) is where nginx listens: 0.0.0.0 for a class on a network.
set -euo pipefail
cd "$(dirname "$0")/.."
replicas=${1:-2}
listen=${2:-8500}
first=${3:-8601}
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || {
  echo "nginx is missing: apt-get install nginx" >&2; exit 1; }
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -r requirements.txt
prefix=$(mktemp -d "${TMPDIR:-/tmp}/explorer-nginx.XXXXXX")
secret=$(.venv/bin/python -c "import secrets; print(secrets.token_hex(32))")
pids=()
stop() {
  trap - EXIT INT TERM
  kill "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$prefix"
}
trap stop EXIT INT TERM
upstreams=""
for ((k = 0; k < replicas; k++)); do
  port=$((first + k))
  STREAMLIT_SERVER_COOKIE_SECRET="$secret" .venv/bin/python -m streamlit run app.py \
    --server.address 127.0.0.1 --server.port "$port" >"$prefix/replica-$port.log" 2>&1 &
  pids+=($!)
  upstreams+="        server 127.0.0.1:$port;"$'\n'
done
sed -e "s|@PREFIX@|$prefix|g" -e "s|@LISTEN@|${LISTEN_ADDRESS:-127.0.0.1}:$listen|" \
  -e "/@UPSTREAMS@/{r /dev/stdin" -e "d}" deploy/nginx.conf.in >"$prefix/nginx.conf" <<<"$upstreams"
.venv/bin/python - "$first" "$replicas" <<'PY'  # each replica healthy before nginx starts
import sys, time, urllib.request
first, n = map(int, sys.argv[1:])
for port in range(first, first + n):
    deadline = time.monotonic() + 120
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2).read()
            break
        except OSError:
            if time.monotonic() > deadline:
                sys.exit(f"the replica on port {port} did not become healthy: see its log")
            time.sleep(0.1)
PY
"$nginx_bin" -p "$prefix" -c "$prefix/nginx.conf" &
pids+=($!)
echo "Embedding Explorer: http://${LISTEN_ADDRESS:-127.0.0.1}:$listen ($replicas replicas, logs in $prefix)"
wait -n "${pids[@]}"  # one of them ended: stop the others
