#!/usr/bin/env bash
# Builds the libraries and executables with clang 16 and its thread-safety analysis
# (-Wthread-safety as errors) in ./build-tsa (or $REPRAM_TSA_BUILD_DIR), so every GUARDED_BY,
# REQUIRES, ACQUIRE... of util/thread_annotations.h is checked. Unit tests are left out to keep
# CI time down. Usage: scripts/check-thread-safety.sh [ninja args and targets...] (e.g. `all`).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
build_dir=${REPRAM_TSA_BUILD_DIR:-build-tsa}
. scripts/ccache.sh  # sets `launcher`
# No optimisation and no debug info: only the compile and the link matter here.
if [ ! -f "$build_dir/build.ninja" ]; then
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_CXX_COMPILER=clang++-16 \
    -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG=-O0 \
    -DCMAKE_CXX_FLAGS="-Wthread-safety -Werror=thread-safety" -DREPRAM_BUILD_BENCH=OFF \
    "${launcher[@]}" >/dev/null
fi
if [ $# -eq 0 ]; then
  # Every static library of the tree (test doubles included) and both executables, so a new
  # module is checked without editing this list.
  mapfile -t libraries < <(ninja -C "$build_dir" -t targets all | sed -n 's/^\(src\/[^:]*\.a\): .*/\1/p')
  set -- "${libraries[@]}" repram repram-omega
fi
ninja -C "$build_dir" "$@"
