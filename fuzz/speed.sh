#!/usr/bin/env bash
# In-process libFuzzer speed of one target on one core, in the two fuzz presets: `fuzz` (ASan +
# UBSan, what campaigns run) and `fuzz-fast` (no sanitizers, exploration speed). Each round starts
# from a copy of the committed corpus on tmpfs (new inputs then cost no disk writes), with a fixed
# seed and the target's dictionary and options. Prints each preset's best round; the last line is
# the figure without sanitizers, `exec_per_second=<R>`.
#
# Usage: fuzz/speed.sh [TARGET] [--seconds S] [--rounds N]   (default request_validator, 20 s, 2)
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
target=request_validator
seconds=20
rounds=2
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="${2:?--seconds needs a value}"; shift 2 ;;
    --rounds) rounds="${2:?--rounds needs a value}"; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "speed.sh: unknown option '$1'" >&2; exit 2 ;;
    *) target="${1%_fuzzer}"; shift ;;
  esac
done
[[ "$seconds" =~ ^[1-9][0-9]*$ ]] || { echo "speed.sh: --seconds needs a positive number" >&2; exit 2; }
[[ "$rounds" =~ ^[1-9][0-9]*$ ]] || { echo "speed.sh: --rounds needs a positive number" >&2; exit 2; }
[ -f "$root/fuzz/${target}_fuzzer.cc" ] || { echo "speed.sh: no fuzz target '$target'" >&2; exit 2; }

"$root/scripts/install-deps.sh" --fuzz
# The target's libFuzzer options and dictionary.
source "$root/fuzz/options.sh"
fuzz_target_flags "$root" "$target"
pin=()
command -v taskset >/dev/null && pin=(taskset -c 0)
scratch_parent=/dev/shm
[ -d "$scratch_parent" ] && [ -w "$scratch_parent" ] || scratch_parent="${TMPDIR:-/tmp}"
scratch="$(mktemp -d "$scratch_parent/lpe-fuzz-speed.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT

declare -A best
for preset in fuzz fuzz-fast; do
  (cd "$root" && cmake --preset "$preset" >/dev/null &&
    cmake --build --preset "$preset" --target "${target}_fuzzer" >/dev/null)
  binary="$root/build-$preset/bin/${target}_fuzzer"
  best[$preset]=0
  for round in $(seq 1 "$rounds"); do
    corpus="$scratch/$preset-$round"
    mkdir -p "$corpus"
    cp "$root/fuzz/corpus/$target/." "$corpus/" -r
    start=$(date +%s.%N)
    log="$("${pin[@]}" "$binary" -seed=1 -max_total_time="$seconds" "${flags[@]}" "$corpus" 2>&1)"
    end=$(date +%s.%N)
    runs="$(sed -nE 's/^Done ([0-9]+) runs.*/\1/p' <<<"$log")"
    [ -n "$runs" ] || { echo "speed.sh: $preset run failed:" >&2; tail -n 20 <<<"$log" >&2; exit 1; }
    rate=$(awk -v r="$runs" -v a="$start" -v b="$end" 'BEGIN { printf "%d", r / (b - a) }')
    echo "$preset round $round: $runs runs, $rate exec/s"
    [ "$rate" -gt "${best[$preset]}" ] && best[$preset]=$rate
  done
done
echo "best: fuzz (ASan + UBSan) ${best[fuzz]} exec/s, fuzz-fast (no sanitizers) ${best[fuzz-fast]} exec/s"
echo "exec_per_second=${best[fuzz-fast]}"
