#!/usr/bin/env bash
# Builds the multi-threaded unit suites with clang 16 and ThreadSanitizer in ./build-tsan (or
# $REPRAM_TSAN_BUILD_DIR) and runs them; any report fails (halt_on_error). The suites: the store
# under concurrent writers and sweeps, the HTTP client and server on real I/O threads, the cluster
# node under concurrent callers, and the MCP stdio loop. Usage: scripts/check-tsan.sh
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
build_dir=${REPRAM_TSAN_BUILD_DIR:-build-tsan}
launcher=()
if command -v ccache >/dev/null 2>&1; then
  export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
if [ ! -f "$build_dir/build.ninja" ]; then
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_CXX_COMPILER=clang++-16 \
    -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1" \
    -DREPRAM_TSAN=ON -DREPRAM_BUILD_BENCH=OFF "${launcher[@]}" >/dev/null
fi
suites=(store_test http_test cluster_test mcp_test)
ninja -C "$build_dir" "${suites[@]}"
export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1"
regex=$(IFS='|'; echo "^(${suites[*]})\$")
ctest --test-dir "$build_dir" -R "$regex" --output-on-failure -j2
