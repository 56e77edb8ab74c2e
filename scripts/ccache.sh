# Sourced by the build scripts (build.sh, sanitize.sh, fuzz.sh): when ccache is
# installed, sets `launcher` to the CMake argument that uses it and exports the settings that let
# every checkout and build directory share the cache (paths hashed relative to the repository
# root, which must be the current directory) and room for the four build directories CI fills
# (about 6 GB; ccache's default cap is 5 GB). Otherwise `launcher` is empty.
launcher=()
if command -v ccache >/dev/null 2>&1; then
  export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1 CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-20G}
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
