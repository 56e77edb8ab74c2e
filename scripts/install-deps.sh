#!/usr/bin/env bash
# Installs every Debian 12 package the build, the tests and the benchmarks need.
# Idempotent: packages already present are skipped, so a second run costs one dpkg query.
set -euo pipefail

# What building the binaries and the Debian package takes (`--build`: only these, e.g. in the
# Dockerfile's build stage).
packages=(
  build-essential cmake ninja-build git pkg-config ccache dpkg-dev file
  libboost-dev libboost-system-dev libboost-program-options-dev
  nlohmann-json3-dev libsodium-dev libc-ares-dev libspdlog-dev libfmt-dev libcli11-dev
)
if [ "${1:-}" != "--build" ]; then
  # The tests: unit suites, pytest, network tools, the deployment checks (YAML manifests,
  # `systemd-analyze verify` of the packaged unit).
  packages+=(
    libgtest-dev libgmock-dev libbenchmark-dev
    clang-16 clang-tidy-16 clang-format-16   # sanitizer/thread-safety build, fuzzing, lint (CI)
    libclang-rt-16-dev                       # sanitizer and libFuzzer runtimes (sanitize.sh, fuzz.sh)
    llvm-16                                  # llvm-symbolizer: sanitizer reports with file:line
    python3 python3-pytest python3-yaml python3-websockets
    python3-matplotlib                       # tools/sim/plot.py
    chromium chromium-driver python3-selenium   # the dashboard test drives a headless browser
    iproute2 procps curl
    dnsmasq-base
    systemd
  )
fi
if [ "${1:-}" = "--bench" ]; then packages+=(nginx-light wrk); fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if [ "${1:-}" = "--build" ]; then exit 0; fi
# The MCP interop tests drive the server with the official TypeScript SDK: Node.js from Debian
# unless the machine already has one.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi
