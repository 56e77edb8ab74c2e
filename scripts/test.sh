#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test: the GoogleTest unit suites (ctest) and
# the integration suites that start real `repram` processes (pytest, Debian's python3).
# Set REPRAM_SANITIZE=1 to build and test under ASan+UBSan in ./build-asan.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
if [ "${REPRAM_SANITIZE:-0}" = 1 ]; then
  export REPRAM_BUILD_DIR=build-asan REPRAM_CMAKE_ARGS="-DREPRAM_SANITIZE=ON -DREPRAM_BUILD_BENCH=OFF"
  export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1
fi
build_dir=${REPRAM_BUILD_DIR:-build}
scripts/build.sh
export REPRAM_BIN="$PWD/$build_dir/src/app/repram"
export REPRAM_OMEGA_BIN="$PWD/$build_dir/src/trust/repram-omega"
ctest --test-dir "$build_dir" --output-on-failure -j2
/usr/bin/python3 -m pytest tests -q -p no:cacheprovider
