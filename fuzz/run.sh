#!/usr/bin/env bash
# Runs one libFuzzer campaign (ASan + UBSan, preset `fuzz`) in fork mode, then merges the inputs
# that found new coverage into the target's corpus, keeps crashes with their reproduction command,
# and prints a summary (exec/s, coverage, new inputs, crashes).
#
# Usage: fuzz/run.sh TARGET [--time DURATION] [--jobs N] [--corpus DIR] [--preset P]
#                    [-- LIBFUZZER_FLAGS...]
#   TARGET        request_validator, response_checker, pagination_token, sigv4, mock_handler,
#                 http_framing,
#                 pattern_generator (the part before _fuzzer)
#   --time D      total fuzzing time: 30s, 10m, 8h, 2d or plain seconds (default 10m)
#   --jobs N      parallel fuzzing processes (libFuzzer -fork=N, default 1)
#   --corpus DIR  corpus read and merged into (default fuzz/corpus/TARGET, the committed seeds;
#                 point it elsewhere to grow a large corpus without touching the repository)
#   --preset P    fuzz (default: ASan + UBSan) or fuzz-fast (no sanitizers, about 3x the
#                 executions; replay what it finds with the fuzz build, see fuzz/README.md)
#   after --       extra libFuzzer flags, e.g. -- -use_value_profile=1
#
# Files: fuzz/work/TARGET/<timestamp>/ (log, inputs found this run) and fuzz/artifacts/TARGET/
# (crash-*, timeout-*, oom-*, leak-*), both ignored by git. Exit status: 0 without crashes, 1 with.
set -euo pipefail

usage() {
  sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

root="$(cd "$(dirname "$0")/.." && pwd)"
[ $# -ge 1 ] || usage
case "$1" in -h|--help|-*) usage ;; esac
target="${1%_fuzzer}"
shift
duration="10m"
jobs=1
corpus="$root/fuzz/corpus/$target"
extra=()
preset=fuzz
while [ $# -gt 0 ]; do
  case "$1" in
    --time) duration="${2:?--time needs a value}"; shift 2 ;;
    --jobs) jobs="${2:?--jobs needs a value}"; shift 2 ;;
    --corpus) corpus="${2:?--corpus needs a value}"; shift 2 ;;
    --preset) preset="${2:?--preset needs a value}"; shift 2 ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) usage ;;
    *) echo "run.sh: unknown argument '$1'" >&2; usage ;;
  esac
done

to_seconds() {
  local value="$1"
  case "$value" in
    *[0-9]s) echo "${value%s}" ;;
    *[0-9]m) echo $(( ${value%m} * 60 )) ;;
    *[0-9]h) echo $(( ${value%h} * 3600 )) ;;
    *[0-9]d) echo $(( ${value%d} * 86400 )) ;;
    *[!0-9]*|"") echo "run.sh: bad duration '$value' (expected 30s, 10m, 8h, 2d)" >&2; exit 2 ;;
    *) echo "$value" ;;
  esac
}
seconds="$(to_seconds "$duration")"
[[ "$jobs" =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: --jobs needs a positive number" >&2; exit 2; }

source_file="$root/fuzz/${target}_fuzzer.cc"
[ -f "$source_file" ] || { echo "run.sh: no fuzz target '$target' ($source_file)" >&2; exit 2; }

# Build (or bring up to date) the preset: clang-14, libFuzzer, with (fuzz) or without (fuzz-fast)
# ASan + UBSan.
case "$preset" in
  fuzz|fuzz-fast) ;;
  *) echo "run.sh: unknown preset '$preset' (expected fuzz or fuzz-fast)" >&2; exit 2 ;;
esac
build_dir="$root/build-$preset"
if [ ! -f "$build_dir/build.ninja" ]; then
  (cd "$root" && cmake --preset "$preset" >/dev/null)
fi
cmake --build "$build_dir" --target "${target}_fuzzer" -j 2
binary="$build_dir/bin/${target}_fuzzer"

# The target's libFuzzer options and dictionary.
source "$root/fuzz/options.sh"
fuzz_target_flags "$root" "$target"

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
work="$root/fuzz/work/$target/$stamp"
crashes="$root/fuzz/artifacts/$target"
mkdir -p "$work/new" "$crashes" "$corpus"
log="$work/fuzz.log"
marker="$work/.started"
touch "$marker"

export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:symbolize=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1:symbolize=1}"

echo "== $target: ${seconds}s, $jobs job(s), corpus $corpus, log $log"
# Fork mode: the first directory receives the new inputs; the corpus is only read.
set +e
"$binary" -fork="$jobs" -ignore_crashes=1 -max_total_time="$seconds" -timeout=10 \
  -rss_limit_mb=2048 -artifact_prefix="$crashes/" "${flags[@]}" "${extra[@]}" \
  "$work/new" "$corpus" 2>&1 | tee "$log" | grep --line-buffered -E '^#[0-9]+: |^==[0-9]+==ERROR|SUMMARY: ' 
fuzz_status=${PIPESTATUS[0]}
set -e

# Merge: the inputs that add coverage beyond the corpus, minimized by libFuzzer in a temporary
# copy of the corpus first (an interrupted merge leaves the corpus untouched), then copied over.
found=$(find "$work/new" -type f | wc -l)
added=0
if [ "$found" -gt 0 ]; then
  merged="$(mktemp -d)"
  trap 'rm -rf "$merged"' EXIT
  cp -a "$corpus/." "$merged/"
  "$binary" -merge=1 -timeout=10 -rss_limit_mb=2048 -artifact_prefix="$crashes/" \
    "${flags[@]}" "$merged" "$work/new" >"$work/merge.log" 2>&1 || true
  for file in "$merged"/*; do
    name="$(basename "$file")"
    if [ ! -e "$corpus/$name" ]; then
      cp "$file" "$corpus/$name"
      added=$((added + 1))
    fi
  done
fi

# Summary, from the last fork-mode status line:
#   #<runs>: cov: <edges> ft: <features> corp: <units> exec/s <last job> oom/timeout/crash: a/b/c time: <s>s ...
last="$(grep -E '^#[0-9]+: cov: ' "$log" | tail -n 1 || true)"
runs="$(sed -nE 's/^#([0-9]+): .*/\1/p' <<<"$last")"
cov="$(sed -nE 's/.* cov: ([0-9]+) .*/\1/p' <<<"$last")"
ft="$(sed -nE 's/.* ft: ([0-9]+) .*/\1/p' <<<"$last")"
elapsed="$(sed -nE 's/.* time: ([0-9]+)s.*/\1/p' <<<"$last")"
mapfile -t new_crashes < <(find "$crashes" -maxdepth 1 -type f -newer "$marker" \
  \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' -o -name 'leak-*' -o -name 'slow-unit-*' \) | sort)
rate="?"
if [ -n "$runs" ] && [ -n "$elapsed" ] && [ "$elapsed" -gt 0 ]; then
  rate=$(( runs / elapsed ))
fi
{
  echo
  echo "== summary: $target"
  echo "time:        ${elapsed:-?}s with $jobs job(s) (fuzz exit status $fuzz_status)"
  echo "executions:  ${runs:-?} (${rate} exec/s overall, $(( jobs )) process(es))"
  echo "coverage:    cov ${cov:-?} edges, ft ${ft:-?} features"
  echo "new inputs:  $found found, $added added to $corpus after merge"
  echo "crashes:     ${#new_crashes[@]}"
  for file in "${new_crashes[@]}"; do
    echo "  $file"
    echo "    reproduce:  $binary $file"
    if [ "$preset" = fuzz-fast ]; then
      echo "    sanitizers: (cd $root && cmake --preset fuzz && cmake --build --preset fuzz --target ${target}_fuzzer) && $root/build-fuzz/bin/${target}_fuzzer $file"
    fi
    echo "    regression: cp $file $root/fuzz/corpus/$target/regression-<what>.bin"
  done
  echo "log:         $log"
} | tee "$work/summary.txt"
[ "${#new_crashes[@]}" -eq 0 ]
