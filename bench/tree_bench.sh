#!/usr/bin/env bash
# WebSocket tree benchmark (run by hand, not by the tests; ws-tree.md, issue #11):
#  1. two substrates and one NAT'd transient on loopback (binds 127.0.0.2, advertises 127.0.0.3
#     where nothing listens): wrk PUTs of unique keys with 100-byte values against the transient
#     for N seconds; PUT/s, p50/p99, share of 201s, and whether both substrates hold every key.
#     Target: >= 5,000 PUT/s, all 201, p99 <= 25 ms.
#  2. 1,000 raw WebSocket children on one substrate: RSS per child, and the time from a PUT on
#     the other substrate to its arrival at all 1,000 children. Targets: <= 64 KiB, <= 200 ms.
#  3. reattach time of the transient after SIGKILL of its parent. Target: <= 6 s.
#   bench/tree_bench.sh [seconds, default 10]
# Env: REPRAM_BIN, BENCH_CONNECTIONS (default 64). Needs wrk and python3-websockets
# (scripts/install-deps.sh --bench).
set -euo pipefail
bin=$(realpath "${REPRAM_BIN:-$(dirname "$0")/../build/src/app/repram}")
cd "$(dirname "$0")/.."
secs=${1:-10}
conns=${BENCH_CONNECTIONS:-64}
source bench/nodes.sh

port_1=$(free_port); port_2=$(free_port); port_t=$(free_port)
REPRAM_INBOUND=true REPRAM_MAX_CHILDREN=-1 start_node sub-1 "$port_1"
REPRAM_INBOUND=true REPRAM_MAX_CHILDREN=-1 start_node sub-2 "$port_2" "127.0.0.1:$port_1"
env REPRAM_NETWORK=private REPRAM_BIND=127.0.0.2 REPRAM_ADDRESS=127.0.0.3 \
  REPRAM_HTTP_PORT="$port_t" REPRAM_NODE_ID=kid REPRAM_PEERS="127.0.0.1:$port_1" \
  REPRAM_RATE_LIMIT=100000000 REPRAM_PEER_RATE_LIMIT=100000000 "$bin" 2>"$work/kid.log" &
pids+=($!)
for _ in $(seq 200); do
  curl -s "http://127.0.0.2:$port_t/v1/topology" | grep -q '"parent_id":"sub-1"' && break
  sleep 0.05
done
curl -s "http://127.0.0.2:$port_t/v1/topology" | grep -q '"parent_id":"sub-1"' ||
  { echo "transient did not attach" >&2; cat "$work/kid.log" >&2; exit 1; }

echo "2 substrates + NAT'd transient; wrk: 2 threads, $conns connections, ${secs}s of PUTs on the transient"
wrk -t2 -c"$conns" -d"${secs}s" --latency -s bench/put_cluster.lua "http://127.0.0.2:$port_t/" \
  > "$work/wrk.out"

curl -s "http://127.0.0.1:$port_1/v1/metrics" | grep '^repram_ws_relay_pauses_total' |
  sed 's/^/sub-1 paced its child (ws-tree relay window): /' || true
/usr/bin/python3 bench/tree_bench.py "$work/wrk.out" "$port_1" "$port_2" "$port_t" \
  "${pids[0]}"
if [ -n "${BENCH_VERBOSE:-}" ]; then
  for log in "$work"/*.log; do
    echo "--- $(basename "$log"): $(grep -c 'full' "$log") 'queue full' lines" >&2
    grep -E 'WARN|warn' "$log" | sort | uniq -c | sort -rn | head -5 >&2
  done
fi
