#!/usr/bin/env bash
# Node-level storage benchmark over HTTP (run by hand):
#   1. memory overhead per entry after 1,000,000 PUTs of 100-byte values
#      (RSS growth minus key and value bytes, divided by entries);
#   2. latency of GET /v1/keys?limit=100 at 1,000,000 keys (median and p99 of 200 pages from
#      random cursors, measured by the client on loopback);
#   3. how long after expiry the ~100 MB of expired data is reclaimed (bytes and entries back to 0).
# Needs a build and wrk (scripts/install-deps.sh --bench).
set -euo pipefail
bin=$(realpath "${REPRAM_BIN:-$(dirname "$0")/../build/src/app/repram}")
cd "$(dirname "$0")/.."
ttl=${SCALE_TTL:-120}
work=$(mktemp -d)
cleanup() { [ -n "${node_pid:-}" ] && kill "$node_pid" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

REPRAM_NETWORK=private REPRAM_BIND=127.0.0.1 REPRAM_HTTP_PORT=0 REPRAM_RATE_LIMIT=100000000 \
  REPRAM_MIN_TTL=1 REPRAM_LOG_LEVEL=info "$bin" 2>"$work/node.log" &
node_pid=$!
for _ in $(seq 100); do
  port=$(grep -o 'Listening on 127.0.0.1:[0-9]*' "$work/node.log" 2>/dev/null | cut -d: -f2 || true)
  [ -n "$port" ] && break
  sleep 0.05
done
base="http://127.0.0.1:$port"
status() { curl -s "$base/v1/status"; }
field() { python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }

rss_before=$(status | field memory_rss_bytes)
start=$(date +%s.%N)
# wrk's thread:stop() ends a thread's requests but wrk itself still waits out -d, so the script
# polls the node and interrupts wrk once every PUT has landed.
PER_THREAD=500000 PUT_TTL=$ttl wrk -t2 -c32 -d600s -s bench/put_count.lua "$base/" > "$work/wrk.out" &
wrk_pid=$!
until [ "$(status | field keys)" -ge 1000000 ]; do sleep 0.1; done
loaded=$(date +%s.%N)
kill -INT "$wrk_pid"; wait "$wrk_pid" || true
entries=$(status | field keys)
rss_after=$(status | field memory_rss_bytes)
payload=$(status | field bytes)
# Keys are "s-<t>-<7 digits>" = 11 bytes.
python3 - "$rss_before" "$rss_after" "$entries" "$payload" "$start" "$loaded" <<'PY'
import sys
before, after, entries, payload = map(int, sys.argv[1:5])
start, loaded = map(float, sys.argv[5:7])
keys = entries * 11
print(f"entries {entries}, load {entries/(loaded-start):.0f} PUT/s")
print(f"RSS growth {(after-before)/2**20:.1f} MiB, key+value {(keys+payload)/2**20:.1f} MiB")
print(f"overhead per entry: {(after-before-keys-payload)/entries:.1f} bytes")
PY

python3 - "$base" <<'PY'
import http.client, random, statistics, sys, time, urllib.parse
host, port = sys.argv[1].replace("http://", "").split(":")
conn = http.client.HTTPConnection(host, int(port))
times = []
for i in range(200):
    cursor = "s-%d-%07d" % (random.randint(0, 1), random.randint(1, 500000))
    t = time.perf_counter()
    conn.request("GET", "/v1/keys?limit=100&cursor=" + urllib.parse.quote(cursor))
    body = conn.getresponse().read()
    times.append((time.perf_counter() - t) * 1000)
    assert body.count(b'"') >= 200, body[:200]
times.sort()
print(f"list page of 100 at 1M keys: median {statistics.median(times):.3f} ms, p99 {times[int(len(times)*0.99)-1]:.3f} ms")
PY

# A marker PUT after the load is the entry that expires last; its X-Created-At dates the expiry.
python3 - "$base" "$ttl" <<'PY'
import datetime, http.client, json, sys, time
host, port = sys.argv[1].replace("http://", "").split(":")
ttl = float(sys.argv[2])
conn = http.client.HTTPConnection(host, int(port))
conn.request("PUT", "/v1/data/s-zz-marker", body=b"v" * 100, headers={"X-TTL": str(int(ttl))})
resp = conn.getresponse(); resp.read()
created = datetime.datetime.strptime(resp.getheader("X-Created-At"), "%Y-%m-%dT%H:%M:%S.%fZ")
last_expiry = created.replace(tzinfo=datetime.timezone.utc).timestamp() + ttl
def status():
    conn.request("GET", "/v1/status"); return json.loads(conn.getresponse().read())
while time.time() < last_expiry - 0.5:
    time.sleep(0.5)
while True:
    s = status()
    if s["keys"] == 0 and s["bytes"] == 0:
        break
    time.sleep(0.02)
lag = time.time() - last_expiry
print(f"store empty (entries and bytes 0) {lag*1000:.0f} ms after the last entry's expiry "
      f"(polled every 20 ms); RSS now {s['memory_rss_bytes']/2**20:.1f} MiB")
PY
