#!/usr/bin/env bash
# Cluster replication benchmark (run by hand, not by the tests): three nodes on loopback, wrk PUTs
# of unique keys with 100-byte values on node-a for N seconds, then a check that node-b and
# node-c hold every key node-a stored (/v1/keys paging). Reports PUT/s, p50/p99 and the share of
# 201s (quorum confirmed) among the answers, and how node-a's replica PUTs travelled (gossip
# batches, messages per batch). Target on the 2-core VM (issue #15): >= 20,000 replicated PUT/s
# with p99 <= 10 ms; with a cluster secret >= 0.9x of that.
#   bench/cluster_bench.sh [seconds, default 10]
# Env: REPRAM_BIN, BENCH_CONNECTIONS (default 64), REPRAM_THREADS (I/O threads per node, default
# the node's own default), BENCH_SECRET (a cluster secret for the three nodes: signed gossip),
# REPRAM_GOSSIP_BATCH=false (single messages, for comparison), BENCH_VERBOSE=1 (wrk output and
# node logs).
# Needs a build (scripts/build.sh repram) and wrk (scripts/install-deps.sh --bench).
#
# All three nodes send from 127.0.0.1, so node-a's per-IP peer bucket would see the ACKs of both
# replicas together and each replica sees node-a's whole PUT stream: the default
# REPRAM_PEER_RATE_LIMIT (10,000/s per IP) is below the load on purpose, so it is raised here.
set -euo pipefail
bin=$(realpath "${REPRAM_BIN:-$(dirname "$0")/../build/src/app/repram}")
cd "$(dirname "$0")/.."
secs=${1:-10}
conns=${BENCH_CONNECTIONS:-64}
source bench/nodes.sh

port_a=$(free_port); port_b=$(free_port); port_c=$(free_port)
start_node node-a "$port_a"
start_node node-b "$port_b" "127.0.0.1:$port_a"
start_node node-c "$port_c" "127.0.0.1:$port_a"
for port in "$port_a" "$port_b" "$port_c"; do
  for _ in $(seq 100); do
    n=$(curl -s "http://127.0.0.1:$port/v1/topology" | grep -o '"id"' | wc -l)
    [ "$n" -eq 2 ] && break
    sleep 0.05
  done
  [ "$n" -eq 2 ] || { echo "cluster did not form" >&2; exit 1; }
done

echo "3 nodes on loopback; wrk: 2 threads, $conns connections, ${secs}s of unique-key PUTs on node-a"
wrk -t2 -c"$conns" -d"${secs}s" --latency -s bench/put_cluster.lua "http://127.0.0.1:$port_a/" \
  > "$work/wrk.out"
[ -n "${BENCH_VERBOSE:-}" ] && cat "$work/wrk.out" >&2

rc=0
python3 - "$work/wrk.out" "$port_a" "$port_b" "$port_c" <<'PY' || rc=$?
import http.client, json, re, sys, time, urllib.parse

text = open(sys.argv[1]).read()
ports = dict(zip(("node-a", "node-b", "node-c"), map(int, sys.argv[2:5])))

def ms(label):
    m = re.search(r"^\s*%s\s+([\d.]+)(us|ms|s)\b" % label, text, re.M)
    v, unit = float(m.group(1)), m.group(2)
    return v / 1000 if unit == "us" else v * 1000 if unit == "s" else v

def keys(port):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    out, cursor = set(), None
    while True:
        q = "/v1/keys?prefix=c-&limit=10000" + ("&cursor=" + urllib.parse.quote(cursor) if cursor else "")
        conn.request("GET", q)
        page = json.loads(conn.getresponse().read())
        out.update(page["keys"])
        cursor = page.get("next_cursor")
        if not cursor:
            return out

rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
counts = {s: int(re.search(r"status %s: (\d+)" % s, text).group(1)) for s in ("201", "202", "other")}
answered = sum(counts.values())
stored = keys(ports["node-a"])
# Replication is asynchronous to the 201 of writes that met the quorum through the other
# replica: give the last in-flight PUTs a moment, then compare.
deadline = time.monotonic() + 10
while True:
    missing = {n: len(stored - keys(p)) for n, p in ports.items() if n != "node-a"}
    if not any(missing.values()) or time.monotonic() > deadline:
        break
    time.sleep(0.5)
def metric(port, name):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/v1/metrics")
    m = re.search(r"^%s (\S+)$" % name, conn.getresponse().read().decode(), re.M)
    return float(m.group(1)) if m else 0.0

batches = metric(ports["node-a"], "repram_gossip_batches_sent_total")
batched = metric(ports["node-a"], "repram_gossip_batch_messages_sent_total")
per_batch = f"{batched / batches:.1f}" if batches else "-"
with open("/proc/loadavg") as f:
    load = f.read().split()[0]
print(f"| PUT/s | p50 ms | p99 ms | 201 share | 202 | other | keys on node-a | missing on b / c "
      f"| node-a batches | msgs/batch | load |")
print(f"|---|---|---|---|---|---|---|---|---|---|---|")
print(f"| {rps:.0f} | {ms('50%'):.2f} | {ms('99%'):.2f} | {counts['201'] / answered:.2%} "
      f"| {counts['202']} | {counts['other']} | {len(stored)} "
      f"| {missing['node-b']} / {missing['node-c']} | {batches:.0f} | {per_batch} | {load} |")
sys.exit(0 if not any(missing.values()) and counts["other"] == 0 else 1)
PY
if [ -n "${BENCH_VERBOSE:-}" ]; then
  for port in "$port_a" "$port_b" "$port_c"; do
    echo "--- node on port $port" >&2
    curl -s "http://127.0.0.1:$port/v1/metrics" | grep -E \
      '^repram_(gossip_messages_sent_total|gossip_send_failures_total|gossip_batch|gossip_send_duration|http_request_duration_seconds_bucket.route=./v1/data|writes_total|peers_active)' >&2
  done
  tail -n 5 "$work"/node-*.log >&2
fi
exit "$rc"
