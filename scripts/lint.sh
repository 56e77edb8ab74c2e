#!/usr/bin/env bash
# Style and static checks (issue #10 item 6), run by .ci/run:
#  1. clang-format-16 --dry-run on every tracked C++ file (the tree is kept formatted);
#  2. clang-tidy-16 (checks in .clang-tidy) on the production .cc files under src/ changed since
#     the commit in .ci/lint-base (a changed header brings in its .cc). clang-tidy costs up to
#     ~30 CPU-s per Beast-heavy file, so CI lints changes only; `--all` lints every file, and
#     after a clean `--all` run .ci/lint-base may be moved forward to HEAD.
# Needs build-clang/compile_commands.json (clang flags), which scripts/sanitize.sh makes.
# Usage: scripts/lint.sh [--all]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
build_dir=${REPRAM_CLANG_BUILD_DIR:-build-clang}
if [ ! -f "$build_dir/compile_commands.json" ]; then
  echo "lint.sh: $build_dir/compile_commands.json is missing; run scripts/sanitize.sh first" >&2
  exit 2
fi

mapfile -t cxx_files < <(git ls-files '*.cc' '*.h')
clang-format-16 --dry-run --Werror "${cxx_files[@]}"
echo "clang-format: ${#cxx_files[@]} files formatted"

if [ "${1:-}" = --all ]; then
  mapfile -t changed < <(git ls-files 'src/*.cc' 'src/*.h')
else
  base=$(cat .ci/lint-base)
  mapfile -t changed < <(git diff --name-only "$base" HEAD -- 'src/*.cc' 'src/*.h')
fi
declare -A targets=()
for f in "${changed[@]}"; do
  [ -f "$f" ] || continue  # deleted since the base
  cc=${f%.h}
  cc=${cc%.cc}.cc
  case "$cc" in *_test.cc | */testing/*) continue ;; esac
  [ -f "$cc" ] && targets["$cc"]=1
done
if [ ${#targets[@]} -eq 0 ]; then
  echo "clang-tidy: no production source changed"
  exit 0
fi
echo "clang-tidy: ${#targets[@]} files"
printf '%s\n' "${!targets[@]}" | sort |
  xargs -P "$(nproc)" -n 4 clang-tidy-16 -p "$build_dir" --quiet 2>/dev/null
