#!/usr/bin/env bash
# Installs what is missing, builds `lpe` and runs the main job: `lpe conform` against the embedded
# reference endpoint. Extra arguments go to `lpe conform` (e.g. --seed 7 --report-junit out.xml).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset default >/dev/null
cmake --build --preset default --target lpe
exec build/bin/lpe conform "$@"
