#!/usr/bin/env bash
# Catch-up benchmark (run by hand, not by the tests; cluster.md §12, docs/catchup.md):
#   1. node-a is loaded with N entries of 100 bytes (default 1,000,000; wrk PUTs, quorum 1);
#   2. GET p99 on node-a while idle (wrk, existing keys, BENCH_GET_SECS seconds);
#   3. node-b starts with REPRAM_PEERS=node-a and catches up every entry from it: time and
#      entries/s from node-b's end log line, CPU seconds both nodes spent, peak RSS (VmHWM);
#   4. GET p99 on node-a idle, then while node-c catches up from it under the same GET load.
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
source bench/nodes.sh
hwm_mib() { awk '/VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }
keys_of() { curl -s "http://127.0.0.1:$1/v1/status" | python3 -c 'import json,sys; print(json.load(sys.stdin)["keys"])'; }

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

cpu_s() { awk '{printf "%.2f", ($14 + $15) / '"$(getconf CLK_TCK)"'}' "/proc/$1/stat"; }
wait_end() {  # log file
  for _ in $(seq 1200); do
    grep -q "Catch-up from\|Catch-up stopped" "$1" && return 0
    sleep 0.05
  done
  echo "no catch-up end line in $1" >&2; tail "$1" >&2; exit 1
}

# Catch-up alone: time, and CPU seconds of both nodes (the machine may be shared: the CPU time
# says what the work costs, the wall time what it took here).
cpu_a0=$(cpu_s "$pid_a")
start_node node-b "$port_b" "127.0.0.1:$port_a"
pid_b=${pids[-1]}
wait_end "$work/node-b.log"
cpu_a=$(python3 -c "print(round($(cpu_s "$pid_a") - $cpu_a0, 2))")
cpu_b=$(cpu_s "$pid_b")
line=$(grep "Catch-up from\|Catch-up stopped" "$work/node-b.log")
held_b=$(keys_of "$port_b")
rss_b=$(hwm_mib "$pid_b")
kill "$pid_b"

# GET p99 on node-a idle, then while node-c catches up from it.
get_load "$get_secs" "$work/get_idle.out"
p99_idle=$(get_p99 "$work/get_idle.out")
port_c=$(free_port)
get_load "$get_secs" "$work/get_busy.out" &
get_pid=$!
sleep 0.2
start_node node-c "$port_c" "127.0.0.1:$port_a"
wait_end "$work/node-c.log"
wait "$get_pid"
p99_busy=$(get_p99 "$work/get_busy.out")
line_c=$(grep "Catch-up from\|Catch-up stopped" "$work/node-c.log")
[ -n "${BENCH_VERBOSE:-}" ] && cat "$work"/get_*.out "$work"/node-*.log >&2

python3 - "$line" "$p99_idle" "$p99_busy" "$(hwm_mib "$pid_a")" "$rss_b" "$held_b" "$cpu_a" \
  "$cpu_b" "$line_c" <<'PY'
import re, sys
line, idle, busy, rss_a, rss_b, held, cpu_a, cpu_b, line_c = sys.argv[1:10]
def parse(l):
    m = re.search(r"done: (\d+) entries .* in ([\d.]+) s", l)
    return int(m.group(1)), float(m.group(2))
stored, secs = parse(line)
_, secs_c = parse(line_c)
cpu = float(cpu_a) + float(cpu_b)
print("| entries | catch-up s | entries/s | CPU s node-a + node-b | entries per CPU s "
      "| GET p99 idle ms | GET p99 during ms (catch-up s) | peak RSS node-a / node-b MiB |")
print("|---|---|---|---|---|---|---|---|")
print(f"| {stored} | {secs:.2f} | {stored / secs:,.0f} | {cpu_a} + {cpu_b} | {stored / cpu:,.0f} "
      f"| {idle} | {busy} ({secs_c:.2f}) | {rss_a} / {rss_b} |")
print(f"node-b holds {held} keys")
PY
