#!/usr/bin/env bash
# Installs what is missing, builds everything (gcc, preset `default`) and runs the whole test suite.
# Usage: scripts/test.sh [extra ctest arguments...]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset default >/dev/null
cmake --build --preset default
ctest --preset default "$@"
