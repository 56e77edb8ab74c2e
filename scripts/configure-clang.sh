# Configures a clang 16 build directory for the sanitizer and fuzzing scripts (sourced by
# sanitize.sh and fuzz.sh; lint.sh reads its compile_commands.json).
#   configure_clang DIR asan   ASan+UBSan with libFuzzer instrumentation and the thread-safety
#                              analysis as errors: libraries, executables, unit suites, fuzz targets
#   configure_clang DIR tsan   ThreadSanitizer: libraries and unit suites
# Does nothing when DIR is configured already. Expects `launcher` from scripts/ccache.sh.
# Sourcing it also points the sanitizers at clang 16's symbolizer, so reports name file:line.
export ASAN_SYMBOLIZER_PATH=/usr/lib/llvm-16/bin/llvm-symbolizer
configure_clang() {
  local dir=$1 kind=$2
  [ -f "$dir/build.ninja" ] && return 0
  local args=(-DCMAKE_CXX_COMPILER=clang++-16 -DCMAKE_BUILD_TYPE=Debug
              -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1" -DREPRAM_BUILD_BENCH=OFF)
  if [ "$kind" = asan ]; then
    args+=(-DREPRAM_FUZZ=ON "-DCMAKE_CXX_FLAGS=-Wthread-safety -Werror=thread-safety")
  else
    args+=(-DREPRAM_TSAN=ON)
  fi
  cmake -S . -B "$dir" -G Ninja "${args[@]}" "${launcher[@]}" >/dev/null
}
