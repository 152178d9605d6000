#!/usr/bin/env bash
# Throughput of `lpe mock` against a bare cpp-httplib server returning a fixed page of the same
# bytes (bench/bare_server.cc), under the same wrk load (2 threads, 8 connections, the same valid
# request from bench/mock_request.lua), alternating rounds on this machine. Prints both rates and
# the ratio last. Targets: mock >= 80% of bare and >= 9400 requests/s (10x Prism's 940).
#
# usage: bench/mock_vs_bare.sh [--rounds N] [--seconds S] [--threads N]
#        bench/mock_vs_bare.sh --soak SECONDS
#   --soak S   one wrk run of S seconds against the mock only, sampling its RSS (VmRSS in
#              /proc/PID/status) every 2 s; prints the growth after a 5 s warm-up (target < 10%).
# Only 127.0.0.1 is ever targeted; every run is bounded in time.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=3
seconds=10
threads=""
soak=""
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --soak) soak=$2; shift 2 ;;
    *) echo "mock_vs_bare.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

build=${LPE_BUILD_DIR:-build}
if [ -z "${LPE_BUILD_DIR:-}" ]; then
  # Always through the preset (RelWithDebInfo), so a build/ configured otherwise is not measured.
  scripts/install-deps.sh
  cmake --preset default >/dev/null
  cmake --build --preset default --target lpe lpe-bare-server >/dev/null
fi
command -v wrk >/dev/null || scripts/install-deps.sh --bench
[ -n "$threads" ] || threads=$(( $(nproc) * 4 > 16 ? $(nproc) * 4 : 16 ))

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait "${pids[@]}" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# start NAME COMMAND...: runs it in the background, waits for its `listening URL` line, sets $url
# and $pid.
start() {
  local name=$1; shift
  "$@" >"$work/$name.out" 2>"$work/$name.err" &
  pid=$!
  pids+=("$pid")
  for _ in $(seq 1 200); do
    url=$(sed -n '1s/^listening //p' "$work/$name.out" 2>/dev/null || true)
    [ -n "$url" ] && return 0
    sleep 0.05
  done
  echo "mock_vs_bare.sh: $name did not start: $(cat "$work/$name.err")" >&2
  exit 1
}

# load URL SECONDS: one wrk run; prints requests/s. Fails on any non-2xx answer or socket error.
load() {
  local out
  out=$(wrk -t2 -c8 -d"$2"s --latency -s bench/mock_request.lua "$1")
  if grep -q "Non-2xx" <<<"$out"; then
    echo "mock_vs_bare.sh: non-2xx responses from $1:" >&2
    echo "$out" >&2
    exit 1
  fi
  if grep -q "Socket errors" <<<"$out"; then echo "$out" | grep "Socket errors" >&2; fi
  awk '/^Requests\/sec:/ { printf "%d\n", $2 }' <<<"$out"
}

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

if [ -n "$soak" ]; then
  start mock "$build/bin/lpe" mock --port 0 --threads "$threads"
  mock_pid=$pid
  load "$url" 5 >/dev/null  # warm-up: caches, thread stacks, allocator arenas
  base=$(rss_kb "$mock_pid")
  peak=$base
  wrk -t2 -c8 -d"$soak"s -s bench/mock_request.lua "$url" >"$work/soak.txt" &
  wrk_pid=$!
  while kill -0 "$wrk_pid" 2>/dev/null; do
    sleep 2
    now=$(rss_kb "$mock_pid")
    [ "$now" -gt "$peak" ] && peak=$now
  done
  wait "$wrk_pid"
  final=$(rss_kb "$mock_pid")
  rate=$(awk '/^Requests\/sec:/ { printf "%d\n", $2 }' "$work/soak.txt")
  echo "soak: ${soak}s at $rate req/s; RSS after warm-up ${base} kB, peak ${peak} kB, final ${final} kB"
  awk -v a="$base" -v b="$final" 'BEGIN { printf "rss_growth_percent=%.1f\n", (b - a) * 100 / a }'
  exit 0
fi

start mock "$build/bin/lpe" mock --port 0 --threads "$threads"
mock_url=$url
start bare "$build/bin/lpe-bare-server" --port 0 --threads "$threads"
bare_url=$url
load "$mock_url" 2 >/dev/null  # warm-up both
load "$bare_url" 2 >/dev/null
mock_best=0
bare_best=0
for round in $(seq 1 "$rounds"); do
  m=$(load "$mock_url" "$seconds")
  b=$(load "$bare_url" "$seconds")
  echo "round $round: mock=$m req/s bare=$b req/s"
  [ "$m" -gt "$mock_best" ] && mock_best=$m
  [ "$b" -gt "$bare_best" ] && bare_best=$b
done
echo "best: mock=$mock_best bare=$bare_best (wrk -t2 -c8 -d${seconds}s, $threads server threads, $rounds alternating rounds)"
awk -v m="$mock_best" 'BEGIN { exit !(m >= 9400) }' || echo "note: mock below 9400 req/s (10x Prism)"
awk -v a="$mock_best" -v b="$bare_best" 'BEGIN { printf "ratio_mock_over_bare=%.2f\n", a / b }'
