#!/usr/bin/env bash
# Load test: Grappe under gunicorn on loopback, driven by wrk, on SQLite then PostgreSQL.
#
#   bench/load.sh            # 60 s per address, 64 connections; updates docs/benchmarks.md
#   DURATION=10s bench/load.sh --no-write    # a quick look, nothing written
#
# For each engine: a fresh database (migrate, the demo data, collectstatic), gunicorn started
# with the production configuration (grappe/serving/gunicorn_conf.py: DEBUG off, a secret
# key, ALLOWED_HOSTS=127.0.0.1; plain HTTP on loopback, so SECURE_SSL_REDIRECT=false), warmed
# up, then `wrk --latency` on each address in turn: /healthz/live (the ceiling: the cheapest
# request this server can answer), the search page, an organisation page and /api/search,
# with the page cache on (what anonymous visitors get), then again with the page cache off
# (what each page costs to render). PostgreSQL is a throwaway cluster (bin/with-postgres).
# Exit status 1 if any request failed (a socket error, a timeout or a status other than 2xx),
# or if the server logged an error.
#
# Environment: DURATION (60s), CONNECTIONS (64), THREADS (2, wrk's), TIMEOUT (10s, wrk's
# per-request time-out), WORKERS (gunicorn workers; default the configuration's),
# ENGINES ("sqlite postgresql"), MODES ("cache nocache"), SWEEP (gunicorn worker counts to try
# on the organisation page, on SQLite, before the main run, e.g. "2 3 4 5 8": SWEEP_ROUNDS
# rounds, 3, in alternate orders so that a change of the machine's load weighs on every count
# alike, SWEEP_DURATION each, 10s; its medians go to a block of their own; MAIN=false to run the
# sweep alone), ORGANISATION (the demo organisation's slug, nuage-girondin-exemple).
# Results: docs/benchmarks.md, blocks `load` and `load-workers` (bench/load_report.py, which
# can rewrite them from the measures file this script names at the end).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
PYTHON="${PYTHON:-$ROOT/.venv/bin/python}"
BIN="$(dirname "$PYTHON")"
DURATION="${DURATION:-60s}"
CONNECTIONS="${CONNECTIONS:-64}"
THREADS="${THREADS:-2}"
TIMEOUT="${TIMEOUT:-10s}"
ENGINES="${ENGINES:-sqlite postgresql}"
MODES="${MODES:-cache nocache}"
SWEEP="${SWEEP:-}"
SWEEP_DURATION="${SWEEP_DURATION:-10s}"
SWEEP_ROUNDS="${SWEEP_ROUNDS:-3}"
MAIN="${MAIN:-true}"
ORGANISATION="${ORGANISATION:-nuage-girondin-exemple}"

# One engine, inside its environment; appends one JSON line per measure to $2.
run_engine() {
  local engine="$1" results="$2"
  local data
  data="$(mktemp -d /tmp/grappe-load.XXXXXX)"
  export GRAPPE_DATA_DIR="$data" DEBUG=false ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=false
  export LOG_FORMAT=json EMAIL_BACKEND=django.core.mail.backends.dummy.EmailBackend
  SECRET_KEY="$("$PYTHON" -c 'import secrets; print(secrets.token_urlsafe(50))')"
  export SECRET_KEY
  # Persistent database connections, as docs/operations.md recommends for production.
  if [ "$engine" = sqlite ]; then
    export DATABASE_URL="sqlite:///$data/grappe.sqlite3?conn_max_age=60"
  else
    export DATABASE_URL="${DATABASE_URL:?no DATABASE_URL from bin/with-postgres}?conn_max_age=60"
  fi
  echo "== $engine: migrate, demo data, collectstatic in $data" >&2
  "$BIN/grappe" migrate --verbosity 0
  "$BIN/grappe" demo >/dev/null
  "$BIN/grappe" collectstatic --noinput --verbosity 0

  local organisation="/organisations/$ORGANISATION/"
  local labels=(ceiling search organisation api)
  local paths=(/healthz/live "/search/?q=nextcloud" "$organisation" "/api/search?q=nextcloud")

  if [ -n "$SWEEP" ] && [ "$engine" = sqlite ]; then
    local order="$SWEEP" reversed round workers mode
    reversed="$(echo "$SWEEP" | tr ' ' '\n' | tac | tr '\n' ' ')"
    for round in $(seq "$SWEEP_ROUNDS"); do
      for workers in $order; do
        for mode in $MODES; do
          start_server "$data" "$workers" "$mode"
          measure "$engine" "$mode" "$workers" "sweep:organisation" "$organisation" \
            "$SWEEP_DURATION" "$results"
          stop_server
        done
      done
      if [ "$order" = "$SWEEP" ]; then order="$reversed"; else order="$SWEEP"; fi
    done
  fi
  for mode in $MODES; do
    [ "$MAIN" = true ] || break
    start_server "$data" "${WORKERS:-}" "$mode"
    for i in "${!labels[@]}"; do
      # The ceiling does not depend on the page cache: measured once.
      if [ "${labels[$i]}" = ceiling ] && [ "$mode" != "${MODES%% *}" ]; then continue; fi
      measure "$engine" "$mode" "$SERVER_WORKERS" "${labels[$i]}" "${paths[$i]}" \
        "$DURATION" "$results"
    done
    stop_server
  done
  rm -rf "$data"
}

SERVER_PID=""
SERVER_LOG=""
SERVER_PORT=""
SERVER_WORKERS=""
start_server() {
  local data="$1" workers="$2" mode="$3"
  SERVER_PORT="$("$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  SERVER_LOG="$data/gunicorn-$mode-${workers:-default}.log"
  local cache=true
  [ "$mode" = nocache ] && cache=false
  SERVER_WORKERS="${workers:-$("$PYTHON" -c 'from grappe.serving.gunicorn_conf import workers; print(workers)')}"
  GRAPPE_PAGE_CACHE="$cache" "$BIN/gunicorn" -c python:grappe.serving.gunicorn_conf \
    -b "127.0.0.1:$SERVER_PORT" -w "$SERVER_WORKERS" grappe.wsgi >"$SERVER_LOG" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 300); do
    if curl -sf -o /dev/null "http://127.0.0.1:$SERVER_PORT/healthz"; then return 0; fi
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$SERVER_LOG" >&2; exit 1; }
    sleep 0.2
  done
  echo "gunicorn did not answer /healthz within 60 s" >&2
  cat "$SERVER_LOG" >&2
  exit 1
}

# CPU time (clock ticks) used so far by gunicorn: the master and its workers.
server_ticks() {
  local total=0 pid fields
  for pid in "$SERVER_PID" $(pgrep -P "$SERVER_PID"); do
    fields="$(cut -d')' -f2 "/proc/$pid/stat" 2>/dev/null)" || continue
    # After the command name: state is field 3, utime 14 and stime 15 of the whole line.
    total=$((total + $(echo "$fields" | awk '{print $12 + $13}')))
  done
  echo "$total"
}

stop_server() {
  kill "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}

measure() {
  local engine="$1" mode="$2" workers="$3" label="$4" path="$5" duration="$6" results="$7"
  local url="http://127.0.0.1:$SERVER_PORT$path" status
  status="$(curl -s -o /dev/null -w '%{http_code}' "$url")"
  if [ "$status" != 200 ]; then
    echo "$url answered $status, not 200" >&2
    exit 1
  fi
  # Warm-up: every worker renders the page (and loads what it caches) before the measure.
  wrk -t"$THREADS" -c"$CONNECTIONS" -d5s "$url" >/dev/null
  local errors_before
  errors_before="$(grep -c '"level": "\(ERROR\|CRITICAL\)"' "$SERVER_LOG" || true)"
  local load
  load="$(cut -d' ' -f1 /proc/loadavg)"
  echo "-- $engine, $mode, $workers workers: $label $path ($duration, load average $load)" >&2
  local output ticks_before ticks_after
  ticks_before="$(server_ticks)"
  output="$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$duration" --timeout "$TIMEOUT" --latency \
    -s "$LUA" "$url")"
  ticks_after="$(server_ticks)"
  echo "$output" | grep -v '^JSON ' >&2
  local errors_after
  errors_after="$(grep -c '"level": "\(ERROR\|CRITICAL\)"' "$SERVER_LOG" || true)"
  echo "$output" | sed -n 's/^JSON //p' | "$PYTHON" -c '
import json, sys
line = json.loads(sys.stdin.read())
line.update(zip(["engine", "mode", "workers", "label", "path", "duration", "load"], sys.argv[1:8]))
line["workers"] = int(line["workers"])
line["load"] = float(line["load"])
line["server_errors"] = int(sys.argv[8])
line["server_cpu_s"] = int(sys.argv[9]) / int(sys.argv[10])
print(json.dumps(line))
' "$engine" "$mode" "$workers" "$label" "$path" "$duration" "$load" \
    "$((errors_after - errors_before))" "$((ticks_after - ticks_before))" "$(getconf CLK_TCK)" \
    >>"$results"
}

cleanup() {
  [ -n "$SERVER_PID" ] && stop_server
  [ -n "${LUA_OWNED:-}" ] && rm -f "$LUA"
  return 0
}
trap cleanup EXIT

if [ "${1:-}" = "--engine" ]; then  # internal: one engine, run by the part below
  LUA="$4"
  run_engine "$2" "$3"
  exit 0
fi

WRITE=--write
if [ "${1:-}" = "--no-write" ]; then WRITE=""; fi
if ! command -v wrk >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
  else
    echo "wrk is not installed: sudo apt-get install wrk" >&2
    exit 1
  fi
fi
[ -x "$BIN/gunicorn" ] || { echo "gunicorn is not installed in $BIN (pip install gunicorn)" >&2; exit 1; }

# wrk's summary as one JSON line (latencies in microseconds), after its usual report.
LUA="$(mktemp /tmp/grappe-load.XXXXXX.lua)"
LUA_OWNED=1
cat >"$LUA" <<'EOF'
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'JSON {"requests": %d, "duration_us": %d, "bytes": %d, "connect": %d, "read": %d, ' ..
    '"write": %d, "status": %d, "timeout": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, ' ..
    '"max_us": %d}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status,
    e.timeout, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max))
end
EOF

RESULTS="$(mktemp /tmp/grappe-load.XXXXXX.jsonl)"
for engine in $ENGINES; do
  case "$engine" in
    sqlite) env -u DATABASE_URL bash "$0" --engine sqlite "$RESULTS" "$LUA" ;;
    postgresql)
      if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
        echo "PostgreSQL is not installed (apt-get install postgresql): cannot measure it" >&2
        exit 1
      fi
      bin/with-postgres bash "$0" --engine postgresql "$RESULTS" "$LUA"
      ;;
    *) echo "unknown engine $engine (sqlite, postgresql)" >&2; exit 1 ;;
  esac
done
echo "measures: $RESULTS" >&2
"$PYTHON" bench/load_report.py "$RESULTS" \
  --duration "$DURATION" --connections "$CONNECTIONS" --threads "$THREADS" $WRITE
