#!/usr/bin/env bash
# Configures and builds the project in ./build (or $REPRAM_BUILD_DIR).
# Usage: scripts/build.sh [ninja targets...]   (no targets = everything)
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${REPRAM_BUILD_DIR:-build}
. scripts/ccache.sh  # sets `launcher`
if [ ! -f "$build_dir/build.ninja" ]; then
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "${launcher[@]}" \
    ${REPRAM_CMAKE_ARGS:-} >/dev/null
fi
ninja -C "$build_dir" "$@"
