#!/bin/bash -eu
# ClusterFuzzLite / OSS-Fuzz build script: builds every fuzz/<name>_fuzzer.cc with the service's
# $CC, $CXX, $CFLAGS, $CXXFLAGS and $LIB_FUZZING_ENGINE (passed as LPE_FUZZING_ENGINE), then puts
# into $OUT each <name>_fuzzer with its .dict, .options, zipped seed corpus
# (<name>_fuzzer_seed_corpus.zip) and the shared libraries it needs (in $OUT/lib, found through an
# $ORIGIN/lib RPATH, old-style so that it also serves the libraries' own dependencies, since the
# runner image has none of the build image's packages).
#
# Runs in the build image (cwd $SRC/lpe) and also locally from a checkout, e.g.
#   CC=clang-14 CXX=clang++-14 CFLAGS="-fsanitize=address,undefined -fsanitize=fuzzer-no-link" \
#   CXXFLAGS="$CFLAGS" LIB_FUZZING_ENGINE=-fsanitize=fuzzer SRC=/tmp/src OUT=/tmp/out \
#   WORK=/tmp/work .clusterfuzzlite/build.sh          (fuzz/README.md: "Local dry run")

# The project: the current directory when it is a checkout of it, else $SRC/lpe.
if [ -f "$PWD/CMakePresets.json" ] && [ -d "$PWD/fuzz" ]; then
  root="$PWD"
else
  root="$SRC/lpe"
fi
build="${WORK:-/tmp}/lpe-fuzz-build"
mkdir -p "$OUT/lib"

# The distribution's C++ libraries (RE2, RapidCheck) are built against libstdc++: drop the
# service's -stdlib=libc++ so that the project links with them (ASan and UBSan do not need it).
CXXFLAGS="${CXXFLAGS//-stdlib=libc++/}"

cmake -S "$root" -B "$build" -G Ninja \
  -DCMAKE_CXX_COMPILER="$CXX" \
  -DCMAKE_CXX_FLAGS="$CXXFLAGS" \
  -DCMAKE_BUILD_RPATH='$ORIGIN/lib' -DCMAKE_EXE_LINKER_FLAGS=-Wl,--disable-new-dtags \
  -DLPE_BUILD_TESTS=OFF -DLPE_BUILD_BENCH=OFF -DLPE_BUILD_FUZZ=ON \
  -DLPE_FUZZING_ENGINE="$LIB_FUZZING_ENGINE"

targets=()
for source in "$root"/fuzz/*_fuzzer.cc; do
  targets+=("$(basename "$source" .cc)")
done
cmake --build "$build" --parallel "$(nproc)" --target "${targets[@]}"

for fuzzer in "${targets[@]}"; do
  name="${fuzzer%_fuzzer}"
  cp "$build/bin/$fuzzer" "$OUT/"
  for extra in dict options; do
    if [ -f "$root/fuzz/$fuzzer.$extra" ]; then cp "$root/fuzz/$fuzzer.$extra" "$OUT/"; fi
  done
  rm -f "$OUT/${fuzzer}_seed_corpus.zip"
  (cd "$root/fuzz/corpus/$name" && zip -q -r "$OUT/${fuzzer}_seed_corpus.zip" .)
  # Shared libraries outside the C/C++ runtime, which every runner image has.
  ldd "$build/bin/$fuzzer" | awk '/=> \// {print $3}' | while read -r lib; do
    case "$(basename "$lib")" in
      libc.so*|libm.so*|libpthread.so*|libdl.so*|librt.so*|ld-linux*|libstdc++.so*|libgcc_s.so*) ;;
      *) cp -L "$lib" "$OUT/lib/" ;;
    esac
  done
done
