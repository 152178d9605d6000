#!/usr/bin/env bash
# Checks that every C++ source and header of the project is formatted as .clang-format says
# (clang-format-14, as `scripts/install-deps.sh --format` installs). Prints the files that are
# not and exits 1; exit 0 when all are. Fix with: clang-format-14 -i FILE...
set -euo pipefail
cd "$(dirname "$0")/.."
format="${CLANG_FORMAT:-clang-format-14}"
if ! command -v "$format" >/dev/null; then
  echo "check-format.sh: $format not found (scripts/install-deps.sh --format installs it)" >&2
  exit 2
fi
# Every tracked .cc/.h file; outside a git checkout, every one under the source folders.
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  mapfile -t files < <(git ls-files '*.cc' '*.h')
else
  mapfile -t files < <(find base bench cli fuzz generators harness mock properties spec tests \
                             validators wire -name '*.cc' -o -name '*.h' | sort)
fi
unformatted=()
for file in "${files[@]}"; do
  if ! "$format" --dry-run --Werror "$file" >/dev/null 2>&1; then unformatted+=("$file"); fi
done
if [ ${#unformatted[@]} -ne 0 ]; then
  printf 'not formatted (%s): %s\n' "$format" "${unformatted[@]}" >&2
  exit 1
fi
echo "check-format.sh: ${#files[@]} files formatted"
