#!/usr/bin/env bash
# `make bench`: serve the demo shop with gunicorn on a scratch database and load it with wrk.
# Loopback only, bounded in time. Results go to stdout; copy them into docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }

SCRATCH=$(mktemp -d)
PORT=${BENCH_PORT:-5099}
DURATION=${BENCH_DURATION:-10s}
SCHEMA=""
if [ -n "${BENCH_DATABASE_URL:-}" ]; then  # a throwaway schema: a second run starts empty too
  SCHEMA=$(.venv/bin/python bench/scratch_schema.py create "$BENCH_DATABASE_URL")
  export DATABASE_URL=$(.venv/bin/python bench/scratch_schema.py url "$BENCH_DATABASE_URL" "$SCHEMA")
else
  export DATABASE_URL="sqlite:///$SCRATCH/bench.db"
fi
cleanup() {
  [ -n "$SCHEMA" ] && .venv/bin/python bench/scratch_schema.py drop "$BENCH_DATABASE_URL" "$SCHEMA"
  rm -rf "$SCRATCH"
}
trap cleanup EXIT
export HUEY_URL="sqlite:///$SCRATCH/huey.db" SECURE_COOKIES=0 LOGIN_ATTEMPTS="10000 per minute"
FLASK=".venv/bin/flask --app app"

$FLASK db upgrade >/dev/null
CREDENTIALS=$($FLASK demo --seed 1)
STAFF_PASSWORD=$(sed -n 's/.*staff@example.com  password: //p' <<<"$CREDENTIALS")

.venv/bin/gunicorn --workers 2 --bind "127.0.0.1:$PORT" 'app:create_app()' >"$SCRATCH/gunicorn.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null; cleanup' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done

JAR="$SCRATCH/cookies"
AGENT="jielong-bench"  # one browser: every request sends the same user agent
TOKEN=$(curl -s -A "$AGENT" -c "$JAR" "http://127.0.0.1:$PORT/login" | sed -n 's/.*name="csrf_token"[^>]*value="\([^"]*\)".*/\1/p' | head -n1)
curl -s -A "$AGENT" -b "$JAR" -c "$JAR" -o /dev/null --data-urlencode "csrf_token=$TOKEN" \
  --data-urlencode "email=staff@example.com" --data-urlencode "password=$STAFF_PASSWORD" "http://127.0.0.1:$PORT/login"
SESSION=$(awk '$6 == "session" {print $7}' "$JAR")

echo "# $(date -u +%FT%TZ) · $(nproc) cores · $(uname -m) · gunicorn 2 sync workers · ${DATABASE_URL%%:*}"
load() {
  echo "## GET $1 ($2)"
  shift 2
  wrk -t2 -c8 -d"$DURATION" --latency -H "User-Agent: $AGENT" "$@" \
    | grep -E "Requests/sec|Latency  |  50%|  90%|  99%|Non-2xx"
}
load /healthz anonymous "http://127.0.0.1:$PORT/healthz"
load /login anonymous "http://127.0.0.1:$PORT/login"
[ "$(curl -s -o /dev/null -w '%{http_code}' -A "$AGENT" -b "$JAR" "http://127.0.0.1:$PORT/board/")" = 200 ] \
  || { echo "staff sign-in failed; /board/ not measured" >&2; exit 1; }
load /board/ "signed in as staff, 50 latest orders" -H "Cookie: session=$SESSION" "http://127.0.0.1:$PORT/board/"
