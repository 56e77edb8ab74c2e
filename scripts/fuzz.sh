#!/usr/bin/env bash
# Runs every libFuzzer target of fuzz/ for [seconds] each (default 60) from its seed corpus
# (fuzz/seeds.py, built from tests/vectors) plus what earlier runs added to
# $build_dir/fuzz-corpus/<target>. Builds them first in ./build-clang (or $REPRAM_FUZZ_BUILD_DIR),
# the clang 16 build scripts/sanitize.sh also uses: -fsanitize=fuzzer with ASan+UBSan, every
# library instrumented.
# A crash stops the run with exit 1 after printing the input (hex) and libFuzzer's report.
# Usage: scripts/fuzz.sh [seconds] [targets...]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
scripts/install-deps.sh
build_dir=${REPRAM_FUZZ_BUILD_DIR:-build-clang}
mapfile -t all < <(sed -n 's/^repram_fuzz_target(\(fuzz_[a-z_]*\) .*/\1/p' fuzz/CMakeLists.txt)
if [ $# -gt 0 ]; then targets=("$@"); else targets=("${all[@]}"); fi
. scripts/ccache.sh           # sets `launcher`
. scripts/configure-clang.sh  # configure_clang
configure_clang "$build_dir" asan
ninja -C "$build_dir" "${targets[@]}" >/dev/null
corpus=$build_dir/fuzz-corpus
python3 fuzz/seeds.py "$corpus"
export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
for t in "${targets[@]}"; do
  artifacts=$build_dir/fuzz-artifacts/$t/
  mkdir -p "$artifacts"
  log=$build_dir/fuzz-$t.log
  if ! "$build_dir/fuzz/$t" -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="$artifacts" "$corpus/$t" >"$log" 2>&1; then
    echo "fuzz: $t FAILED; libFuzzer's report:" >&2
    grep -v '^#' "$log" | tail -60 >&2
    for f in "$artifacts"*; do
      [ -f "$f" ] || continue
      echo "input $f:" >&2
      od -A d -c "$f" | head -40 >&2
    done
    exit 1
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  echo "fuzz: $t ok, $runs executions in ${seconds}s"
done
