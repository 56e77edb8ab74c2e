#!/usr/bin/env bash
# HTTP benchmark: one repram node against an nginx `return 200` reference on loopback, both
# measured with wrk in the same run, reported as ratios. Run by hand, not by the tests:
#   bench/http_bench.sh [seconds per run, default 10]   (BENCH_ROUNDS interleaved rounds, default 3)
# Needs a build (scripts/build.sh repram) and `scripts/install-deps.sh --bench` (nginx, wrk).
set -euo pipefail
bin=$(realpath "${REPRAM_BIN:-$(dirname "$0")/../build/src/app/repram}")
cd "$(dirname "$0")/.."
secs=${1:-10}
conns=${BENCH_CONNECTIONS:-64}
work=$(mktemp -d)
cleanup() {
  [ -n "${node_pid:-}" ] && kill "$node_pid" 2>/dev/null || true
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# --- reference: nginx answering 200 to everything, 2 workers like our 2 I/O threads -----------
nginx_port=$(free_port)
mkdir -p "$work/nginx"
cat > "$work/nginx.conf" <<CONF
worker_processes 2;
pid $work/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $work/nginx;
  proxy_temp_path $work/nginx;
  fastcgi_temp_path $work/nginx;
  uwsgi_temp_path $work/nginx;
  scgi_temp_path $work/nginx;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$nginx_port;
    location / { return 200 "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789"; }
  }
}
CONF
nginx -c "$work/nginx.conf"

# --- the node -----------------------------------------------------------------------------------
REPRAM_NETWORK=private REPRAM_BIND=127.0.0.1 REPRAM_HTTP_PORT=0 REPRAM_RATE_LIMIT=100000000 \
  REPRAM_MIN_TTL=1 REPRAM_LOG_LEVEL=info REPRAM_THREADS=${REPRAM_THREADS:-2} \
  "$bin" 2>"$work/node.log" &
node_pid=$!
for _ in $(seq 100); do
  port=$(grep -o 'Listening on 127.0.0.1:[0-9]*' "$work/node.log" 2>/dev/null | cut -d: -f2 || true)
  [ -n "$port" ] && break
  sleep 0.05
done
if [ -z "${port:-}" ]; then
  echo "node did not start" >&2; cat "$work/node.log" >&2; exit 1
fi
curl -s -X PUT --data-binary "$(head -c 100 /dev/zero | tr '\0' v)" "http://127.0.0.1:$port/v1/data/bench-key" >/dev/null

run_wrk() {  # url [script] -> "rps p50_ms p99_ms"
  local url=$1 script=${2:-}
  local args=(-t2 -c"$conns" -d"${secs}s" --latency)
  [ -n "$script" ] && args+=(-s "$script")
  wrk "${args[@]}" "$url" > "$work/wrk.out"
  [ -n "${BENCH_VERBOSE:-}" ] && cat "$work/wrk.out" >&2
  python3 - "$work/wrk.out" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
def ms(label):
    m = re.search(r"^\s*%s\s+([\d.]+)(us|ms|s)" % label, text, re.M)
    v, unit = float(m.group(1)), m.group(2)
    return v / 1000 if unit == "us" else v * 1000 if unit == "s" else v
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
print(f"{rps:.0f} {ms('50%'):.3f} {ms('99%'):.3f} {non2xx.group(1) if non2xx else 0}")
PY
}

rounds=${BENCH_ROUNDS:-3}
echo "wrk: 2 threads, $conns connections, ${secs}s per run, $rounds interleaved rounds (medians)"
: > "$work/results"
for round in $(seq "$rounds"); do
  # nginx and repram alternate within each round, so a slow spell of the VM hits both.
  echo "ng_get $(run_wrk "http://127.0.0.1:$nginx_port/v1/data/bench-key")" >> "$work/results"
  echo "rp_get $(run_wrk "http://127.0.0.1:$port/v1/data/bench-key")" >> "$work/results"
  echo "ng_put $(run_wrk "http://127.0.0.1:$nginx_port/" bench/put_nginx.lua)" >> "$work/results"
  echo "rp_put $(run_wrk "http://127.0.0.1:$port/" bench/put_same.lua)" >> "$work/results"
done

python3 - "$work/results" <<'PY'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    name, *vals = line.split()
    runs.setdefault(name, []).append([float(v) for v in vals])
def med(name, i):
    return statistics.median(r[i] for r in runs[name])
def ratios(a, b):
    return [x[0] / y[0] for x, y in zip(runs[a], runs[b])]
print("| run | nginx req/s | repram req/s | ratio (median; per round) | nginx p50/p99 ms | repram p50/p99 ms | repram non-2xx |")
print("|---|---|---|---|---|---|---|")
for label, ng, rp in (("GET 100 B", "ng_get", "rp_get"), ("PUT 100 B", "ng_put", "rp_put")):
    rs = ratios(rp, ng)
    per = ", ".join(f"{r:.2f}" for r in rs)
    print(f"| {label} | {med(ng,0):.0f} | {med(rp,0):.0f} | {statistics.median(rs):.2f} ({per}) | "
          f"{med(ng,1):.3f}/{med(ng,2):.3f} | {med(rp,1):.3f}/{med(rp,2):.3f} | "
          f"{sum(int(r[3]) for r in runs[rp])} |")
PY
if [ -n "${BENCH_VERBOSE:-}" ]; then
  curl -s "http://127.0.0.1:$port/v1/metrics" | grep -E '^repram_(http_requests_total|rate_limited|storage_entries)' >&2
  cat "$work/node.log" >&2
fi
