#!/bin/sh
# Runs `lpe conform` against the independent endpoint (server.mjs) for seeds 1..N and fails if any
# run exits non-zero. Used by ctest (tests/CMakeLists.txt, block "independent endpoint"); by hand:
#   sh tests/independent_endpoint/run_conform.sh --lpe build/bin/lpe --work /tmp/indep [--auth sigv4]
# Exit codes: 0 every seed passed, 1 a seed failed or the server misbehaved, 2 usage, 77 node missing.
set -u

LPE=""
NODE="${NODE:-node}"
WORK=""
AUTH=none
SEEDS=20
while [ $# -gt 0 ]; do
  case "$1" in
    --lpe) LPE="$2"; shift 2 ;;
    --node) NODE="$2"; shift 2 ;;
    --work) WORK="$2"; shift 2 ;;
    --auth) AUTH="$2"; shift 2 ;;
    --seeds) SEEDS="$2"; shift 2 ;;
    *) echo "run_conform.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
if [ -z "$LPE" ] || [ -z "$WORK" ]; then
  echo "usage: run_conform.sh --lpe PATH --work DIR [--node PATH] [--auth none|sigv4] [--seeds N]" >&2
  exit 2
fi
case "$AUTH" in none|sigv4) ;; *) echo "run_conform.sh: --auth must be none or sigv4" >&2; exit 2 ;; esac
if ! command -v "$NODE" >/dev/null 2>&1; then
  echo "SKIPPED: node is needed for the independent endpoint (scripts/install-deps.sh installs it)"
  exit 77
fi
HERE=$(cd "$(dirname "$0")" && pwd)

mkdir -p "$WORK" || exit 1
rm -f "$WORK"/seed-*.json "$WORK"/seed-*.log "$WORK"/server.out "$WORK"/server.err
DATA="$WORK/data.json"
if ! timeout 60 "$LPE" mock --dump-data > "$DATA"; then
  echo "FAILED: lpe mock --dump-data" >&2
  exit 1
fi

# Test-only credentials for the SigV4 variant (not secrets: they exist only in this test).
TEST_KEY=AKIDINDEPENDENTTEST1
TEST_SECRET=independent/endpoint+TestSecret/0123456789
export AWS_REGION=us-east-1
unset AWS_DEFAULT_REGION AWS_SESSION_TOKEN AWS_PROFILE
SERVER_AUTH=""
CONFORM_AUTH=""
if [ "$AUTH" = sigv4 ]; then
  SERVER_AUTH="--auth sigv4 --access-key-id $TEST_KEY --secret-access-key $TEST_SECRET"
  CONFORM_AUTH="--sigv4"
  export AWS_ACCESS_KEY_ID="$TEST_KEY" AWS_SECRET_ACCESS_KEY="$TEST_SECRET"
fi

# shellcheck disable=SC2086 # SERVER_AUTH is a word list on purpose
"$NODE" "$HERE/server.mjs" --data "$DATA" --port 0 $SERVER_AUTH > "$WORK/server.out" 2> "$WORK/server.err" &
SERVER_PID=$!
stop_server() {
  if [ -n "${SERVER_PID:-}" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null
    i=0
    while kill -0 "$SERVER_PID" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
    if kill -0 "$SERVER_PID" 2>/dev/null; then
      echo "FAILED: the server did not stop within 10 s of SIGTERM" >&2
      kill -KILL "$SERVER_PID" 2>/dev/null
      SERVER_PID=""
      return 1
    fi
  fi
  if [ -n "${SERVER_PID:-}" ]; then
    wait "$SERVER_PID"
    server_rc=$?
    SERVER_PID=""
    if [ $server_rc -ne 0 ]; then
      echo "FAILED: the server exited with $server_rc" >&2
      return 1
    fi
  fi
  return 0
}
trap 'stop_server' EXIT
trap 'stop_server; exit 1' INT TERM HUP

i=0
URL=""
while [ $i -lt 200 ]; do
  URL=$(sed -n '1s/^listening //p' "$WORK/server.out" 2>/dev/null)
  [ -n "$URL" ] && break
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then break; fi
  sleep 0.1
  i=$((i + 1))
done
if [ -z "$URL" ]; then
  echo "FAILED: the server did not print 'listening ...' within 20 s" >&2
  cat "$WORK/server.err" >&2
  exit 1
fi
echo "independent endpoint ($AUTH) at $URL, dataset $DATA"

failed=""
seed=1
while [ "$seed" -le "$SEEDS" ]; do
  # shellcheck disable=SC2086
  timeout 300 "$LPE" conform --endpoint "$URL" --targets-file "$DATA" --seed "$seed" --quiet \
    --report-json "$WORK/seed-$seed.json" $CONFORM_AUTH > "$WORK/seed-$seed.log" 2>&1
  rc=$?
  if [ $rc -eq 0 ]; then
    echo "seed $seed: passed"
  else
    echo "seed $seed: FAILED (exit $rc), report $WORK/seed-$seed.json, output:"
    sed 's/^/  /' "$WORK/seed-$seed.log" | head -n 60
    failed="$failed $seed"
  fi
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "FAILED: the server died during seed $seed:" >&2
    cat "$WORK/server.err" >&2
    SERVER_PID=""
    exit 1
  fi
  seed=$((seed + 1))
done

stop_status=0
stop_server || stop_status=1
if [ -s "$WORK/server.err" ]; then
  echo "server stderr:"
  sed 's/^/  /' "$WORK/server.err" | head -n 40
fi
if [ -n "$failed" ]; then
  echo "FAILED seeds:$failed"
  exit 1
fi
if [ $stop_status -ne 0 ]; then exit 1; fi
echo "all $SEEDS seeds passed"
exit 0
