#!/usr/bin/env bash
# Configures and builds the project in ./build (or $REPRAM_BUILD_DIR).
# Usage: scripts/build.sh [ninja targets...]   (no targets = everything)
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${REPRAM_BUILD_DIR:-build}
# ccache (when installed) makes rebuilds and sibling work trees cheap; paths are hashed relative
# to the repository root so two checkouts share the cache.
launcher=()
if command -v ccache >/dev/null 2>&1; then
  export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
if [ ! -f "$build_dir/build.ninja" ]; then
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "${launcher[@]}" \
    ${REPRAM_CMAKE_ARGS:-} >/dev/null
fi
ninja -C "$build_dir" "$@"
