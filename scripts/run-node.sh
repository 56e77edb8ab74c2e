#!/usr/bin/env bash
# Installs what is missing, builds, and starts one node on 127.0.0.1:8080: private network, no
# peers, embedded defaults. Prints the dashboard URL. Extra arguments are passed to `repram`
# (see `repram --help`).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh repram
export REPRAM_NETWORK=${REPRAM_NETWORK:-private}
export REPRAM_BIND=${REPRAM_BIND:-127.0.0.1}
export REPRAM_HTTP_PORT=${REPRAM_HTTP_PORT:-8080}
host=$REPRAM_BIND
case $host in 0.0.0.0 | ::) host=127.0.0.1 ;; *:*) host="[$host]" ;; esac
echo "Dashboard: http://$host:$REPRAM_HTTP_PORT/   Metrics: http://$host:$REPRAM_HTTP_PORT/v1/metrics" >&2
exec build/src/app/repram "$@"
