#!/usr/bin/env bash
# Builds with clang 16 and runs the unit suites under the sanitizers (run by .ci/run):
#  1. ./build-clang: ASan+UBSan, libFuzzer instrumentation and the thread-safety analysis as
#     errors (every GUARDED_BY, REQUIRES, ACQUIRE... of util/thread_annotations.h is checked);
#     every library, both executables, every unit suite and the fuzz targets (scripts/fuzz.sh
#     runs those from the same directory). Then every unit suite under ASan+UBSan.
#  2. ./build-tsan: ThreadSanitizer; the suites whose code runs on several threads: store
#     (sharded store and its stress test), http (I/O pool, server, client), cluster (the node's
#     lock against transport callbacks and the background worker), mcp (the HTTP endpoint).
#     Whole nodes run multi-threaded in pytest, not here: TSan builds of trust, tree and app
#     would add ~15 minutes to a CI run without a warm ccache.
# Usage: scripts/sanitize.sh [asan|tsan]   (no argument: both)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
. scripts/ccache.sh           # sets `launcher`
. scripts/configure-clang.sh  # configure_clang
which=${1:-all}
jobs=$(nproc)

if [ "$which" != tsan ]; then
  configure_clang build-clang asan
  ninja -C build-clang
  ASAN_OPTIONS=detect_leaks=1:strict_string_checks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --test-dir build-clang --output-on-failure -j"$jobs" -L unit
fi

if [ "$which" != asan ]; then
  suites=(store_test http_test cluster_test mcp_test)
  configure_clang build-tsan tsan
  ninja -C build-tsan "${suites[@]}"
  regex="^($(IFS='|'; echo "${suites[*]}"))\$"
  TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1:external_symbolizer_path=$ASAN_SYMBOLIZER_PATH \
    ctest --test-dir build-tsan --output-on-failure -j"$jobs" -R "$regex"
fi
