#!/usr/bin/env bash
# Checked requests per second of `lpe conform` against the reference mock, next to wrk's raw rate
# against the same mock in the same run. Prints the ratio last (target: >= 0.5).
# usage: bench/conform_vs_wrk.sh [--cases N] [--workers N] [--seconds S]
# Only ever targets 127.0.0.1; every step is bounded in time.
set -euo pipefail
cd "$(dirname "$0")/.."
cases=2000
workers=8
seconds=10
while [ $# -gt 0 ]; do
  case "$1" in
    --cases) cases=$2; shift 2 ;;
    --workers) workers=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    *) echo "conform_vs_wrk.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
scripts/install-deps.sh --bench
# Always through the preset (RelWithDebInfo), so a build/ configured otherwise is not measured.
cmake --preset default >/dev/null
cmake --build --preset default --target lpe >/dev/null
work=$(mktemp -d)
mock_pid=""
cleanup() { [ -n "$mock_pid" ] && kill "$mock_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
build/bin/lpe mock --port 0 > "$work/mock.out" 2>"$work/mock.err" &
mock_pid=$!
for _ in $(seq 1 100); do grep -q '^listening ' "$work/mock.out" 2>/dev/null && break; sleep 0.05; done
url=$(sed -n 's/^listening //p' "$work/mock.out" | head -1)
[ -n "$url" ] || { echo "the mock did not start: $(cat "$work/mock.err")" >&2; exit 2; }
build/bin/lpe mock --dump-data > "$work/data.json"
# The first participant with events, as the wrk request.
body=$(python3 - "$work/data.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for st in d["stages"]:
    for se in st["sessions"]:
        for p in se["participants"]:
            if p["events"]:
                print(json.dumps({"stageArn": st["arn"], "sessionId": se["id"], "participantId": p["id"], "maxResults": 10}))
                sys.exit(0)
PY
)
export LPE_WRK_BODY="$body"
wrk_rate=$(wrk -t2 -c"$workers" -d"${seconds}s" -s bench/conform_vs_wrk.lua "$url" | awk '/Requests\/sec/ {print $2}')
echo "wrk: $wrk_rate requests/s (2 threads, $workers connections, ${seconds}s, one valid request)"
build/bin/lpe conform --endpoint "$url" --targets-file "$work/data.json" --cases "$cases" --workers "$workers" \
  --seed 1 --quiet --report-json "$work/report.json" > "$work/conform.out" || true
read -r requests secs code < <(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["requests"], r["seconds"], r["exitCode"])' "$work/report.json")
conform_rate=$(awk -v r="$requests" -v s="$secs" 'BEGIN { printf "%.0f", r / s }')
echo "lpe conform: $requests checked requests in ${secs}s = $conform_rate/s (exit $code, $workers workers, --cases $cases)"
awk -v a="$conform_rate" -v b="$wrk_rate" 'BEGIN { printf "ratio_conform_over_wrk=%.2f\n", a / b }'
