#!/usr/bin/env bash
# Installs every Debian package the project needs, and only those that are missing.
# Usage: scripts/install-deps.sh [--fuzz] [--bench] [--format] [--all]
#   default : compilers, CMake, libraries for build and tests, Node/npm for SDK interop
#   --fuzz  : clang-14 + libFuzzer runtime (sanitizers, fuzz preset)
#   --bench : wrk (server throughput benchmarks)
#   --format: clang-format-14 (scripts/check-format.sh)
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  libgtest-dev libgmock-dev librapidcheck-dev nlohmann-json3-dev libcpp-httplib-dev
  libre2-dev libssl-dev libsimdjson-dev zlib1g-dev libbrotli-dev
  # the HTML report's browser test: headless Chromium and a font for its screenshot
  chromium fonts-dejavu-core
  # lpe conform --config (TOML); cpack -G DEB declares the tool's dependencies with dpkg-shlibdeps.
  libtomlplusplus-dev dpkg-dev file
)
for arg in "$@"; do
  case "$arg" in
    --fuzz) packages+=(clang-14 libclang-rt-14-dev libfuzzer-14-dev llvm-14) ;;
    --bench) packages+=(wrk) ;;
    --all) packages+=(clang-14 libclang-rt-14-dev libfuzzer-14-dev llvm-14 wrk clang-format-14) ;;
    --format) packages+=(clang-format-14) ;;
    *) echo "install-deps.sh: unknown option '$arg' (expected --fuzz, --bench, --format or --all)" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "install-deps.sh: installing ${missing[*]}" >&2
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
