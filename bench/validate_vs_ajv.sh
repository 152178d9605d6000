#!/usr/bin/env bash
# Side-by-side throughput of `lpe-bench validate` (this project's request validator) and ajv
# (Node: JSON.parse + an ajv-compiled JSON Schema of the same constraints, derived from the model),
# on the same corpus, alternating runs on the same machine. Prints the ratio last.
# usage: bench/validate_vs_ajv.sh [--rounds N] [--seconds S] [--corpus FILE]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=5
seconds=2
corpus=bench/corpus/requests.jsonl
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --corpus) corpus=$2; shift 2 ;;
    *) echo "validate_vs_ajv.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
bench_bin=build/bin/lpe-bench
# Always through the preset (RelWithDebInfo): a build/ configured some other way (no build type,
# Debug) would measure an unoptimized validator. Up to date, this is a no-op.
scripts/install-deps.sh
cmake --preset default >/dev/null
cmake --build --preset default --target lpe-bench >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm init -y >/dev/null && npm install --silent --no-audit --no-fund ajv@8 >/dev/null)
"$bench_bin" json-schema > "$work/schema.json"
cp bench/ajv_validate.js "$work/"
lpe_best=0
ajv_best=0
for round in $(seq 1 "$rounds"); do
  lpe=$(taskset -c 0 "$bench_bin" validate --corpus "$corpus" --seconds "$seconds" | tail -1 | cut -d= -f2)
  ajv=$(cd "$work" && taskset -c 0 node ajv_validate.js schema.json "$OLDPWD/$corpus" "$seconds" | tail -1 | cut -d= -f2)
  echo "round $round: lpe=$lpe bodies/s ajv=$ajv bodies/s"
  [ "$lpe" -gt "$lpe_best" ] && lpe_best=$lpe
  [ "$ajv" -gt "$ajv_best" ] && ajv_best=$ajv
done
echo "best: lpe=$lpe_best ajv=$ajv_best (one core each, same corpus, $rounds alternating rounds)"
awk -v a="$lpe_best" -v b="$ajv_best" 'BEGIN { printf "ratio_lpe_over_ajv=%.2f\n", a / b }'
