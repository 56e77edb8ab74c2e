#!/usr/bin/env bash
# Catch-up benchmark (run by hand, not by the tests; cluster.md §12, docs/catchup.md):
#   1. node-a is loaded with N entries of 100 bytes (default 1,000,000; wrk PUTs, quorum 1);
#   2. GET p99 on node-a while idle (wrk, existing keys, BENCH_GET_SECS seconds);
#   3. node-b starts with REPRAM_PEERS=node-a and catches up every entry from it, while the same
#      wrk GET load runs on node-a: catch-up time and entries/s from node-b's end log line, GET p99
#      on node-a during the catch-up, peak RSS (VmHWM) of both nodes.
# Targets on the 2-core VM: >= 200,000 entries/s (1M in <= 5 s); GET p99 during the catch-up
# within 2x of idle.
#   bench/catchup_bench.sh [entries, default 1000000]
# Env: REPRAM_BIN, BENCH_GET_SECS (default 5), BENCH_VERBOSE=1 (wrk output and node logs).
# Needs a build (scripts/build.sh repram) and wrk (scripts/install-deps.sh --bench).
set -euo pipefail
bin=$(realpath "${REPRAM_BIN:-$(dirname "$0")/../build/src/app/repram}")
cd "$(dirname "$0")/.."
entries=${1:-1000000}
get_secs=${BENCH_GET_SECS:-5}
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
hwm_mib() { awk '/VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }
keys_of() { curl -s "http://127.0.0.1:$1/v1/status" | python3 -c 'import json,sys; print(json.load(sys.stdin)["keys"])'; }

start_node() {  # name port [peers]
  local name=$1 port=$2 peers=${3:-}
  env REPRAM_NETWORK=private REPRAM_BIND=127.0.0.1 REPRAM_ADDRESS=127.0.0.1 \
    REPRAM_HTTP_PORT="$port" REPRAM_NODE_ID="$name" REPRAM_PEERS="$peers" \
    REPRAM_RATE_LIMIT=100000000 REPRAM_PEER_RATE_LIMIT=100000000 REPRAM_LOG_LEVEL=info \
    "$bin" 2>"$work/$name.log" &
  pids+=($!)
  for _ in $(seq 100); do
    grep -q "Listening on" "$work/$name.log" 2>/dev/null && return 0
    sleep 0.05
  done
  echo "$name did not start" >&2; cat "$work/$name.log" >&2; exit 1
}

port_a=$(free_port); port_b=$(free_port)
start_node node-a "$port_a"
pid_a=${pids[-1]}

echo "loading $entries entries of 100 bytes into node-a ..."
t0=$(date +%s.%N)
PER_THREAD=$(( (entries + 1) / 2 )) PUT_TTL=3600 \
  wrk -t2 -c32 -d600s -s bench/put_count.lua "http://127.0.0.1:$port_a/" > "$work/load.out" &
wrk_pid=$!
until [ "$(keys_of "$port_a")" -ge "$entries" ]; do sleep 0.2; done
kill -INT "$wrk_pid"; wait "$wrk_pid" || true
echo "loaded $(keys_of "$port_a") entries in $(python3 -c "import time; print(round(time.time() - $t0, 1))") s"

get_p99() {  # wrk output file -> p99 in ms
  python3 - "$1" <<'PY'
import re, sys
m = re.search(r"^\s*99%\s+([\d.]+)(us|ms|s)\b", open(sys.argv[1]).read(), re.M)
v, unit = float(m.group(1)), m.group(2)
print(round(v / 1000 if unit == "us" else v * 1000 if unit == "s" else v, 2))
PY
}
get_load() {  # seconds output
  GET_KEYS=$entries wrk -t1 -c8 -d"$1s" --latency -s bench/get_existing.lua \
    "http://127.0.0.1:$port_a/" > "$2"
}

get_load "$get_secs" "$work/get_idle.out"
p99_idle=$(get_p99 "$work/get_idle.out")

get_load "$get_secs" "$work/get_busy.out" &
get_pid=$!
sleep 0.2
start_node node-b "$port_b" "127.0.0.1:$port_a"
pid_b=${pids[-1]}
for _ in $(seq 600); do
  grep -q "Catch-up from\|Catch-up stopped" "$work/node-b.log" && break
  sleep 0.05
done
wait "$get_pid"
p99_busy=$(get_p99 "$work/get_busy.out")
line=$(grep "Catch-up from\|Catch-up stopped" "$work/node-b.log" || true)
[ -n "${BENCH_VERBOSE:-}" ] && cat "$work"/get_*.out "$work"/node-*.log >&2
[ -n "$line" ] || { echo "no catch-up end line on node-b" >&2; tail "$work/node-b.log" >&2; exit 1; }

python3 - "$line" "$p99_idle" "$p99_busy" "$(hwm_mib "$pid_a")" "$(hwm_mib "$pid_b")" \
  "$(keys_of "$port_b")" <<'PY'
import re, sys
line, idle, busy, rss_a, rss_b, held = sys.argv[1:7]
m = re.search(r"done: (\d+) entries .* in ([\d.]+) s", line)
stored, secs = int(m.group(1)), float(m.group(2))
print("| entries | catch-up s | entries/s | GET p99 idle ms | GET p99 during ms | ratio "
      "| peak RSS node-a MiB | peak RSS node-b MiB |")
print("|---|---|---|---|---|---|---|---|")
print(f"| {stored} | {secs:.2f} | {stored / secs:,.0f} | {idle} | {busy} "
      f"| {float(busy) / float(idle):.2f} | {rss_a} | {rss_b} |")
print(f"node-b holds {held} keys")
PY
