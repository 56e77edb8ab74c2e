#!/usr/bin/env bash
# HTTP benchmark: one repram node against an nginx `return 200` reference on loopback, both
# measured with wrk in the same run, reported as ratios. Run by hand, not by the tests:
#   bench/http_bench.sh [seconds per run, default 10]   (BENCH_ROUNDS interleaved rounds, default 3)
# Every combination is reported, so no single favourable number stands alone:
#   node I/O threads = nginx workers = 1, and = the number of cores (BENCH_THREADS overrides the
#   list, e.g. "2"); wrk -t1 -c32 and wrk -t2 -c64 (BENCH_WRK overrides, e.g. "2:64").
# Two references: nginx's bare `return 200` (about 240-byte answers) and a second nginx server
# that adds every header the node's GET answer carries (http-api.md §9: CORS and security headers
# on every response, the entry's TTL headers), so both send answers of the same size.
# Needs a build (scripts/build.sh repram) and `scripts/install-deps.sh --bench` (nginx, wrk).
set -euo pipefail
bin=$(realpath "${REPRAM_BIN:-$(dirname "$0")/../build/src/app/repram}")
cd "$(dirname "$0")/.."
secs=${1:-10}
cores=$(nproc)
thread_configs=${BENCH_THREADS:-"1 $cores"}
wrk_configs=${BENCH_WRK:-"1:32 2:64"}
work=$(mktemp -d)
stop_servers() {
  [ -n "${node_pid:-}" ] && kill "$node_pid" 2>/dev/null || true
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  wait 2>/dev/null || true
  node_pid=
  rm -f "$work/nginx.pid"
}
cleanup() {
  stop_servers
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

start_servers() {  # threads: nginx with that many workers, the node with that many I/O threads
  local threads=$1
  REPRAM_NETWORK=private REPRAM_BIND=127.0.0.1 REPRAM_HTTP_PORT=0 REPRAM_RATE_LIMIT=100000000 \
    REPRAM_MIN_TTL=1 REPRAM_LOG_LEVEL=info REPRAM_THREADS=$threads \
    "$bin" 2>"$work/node.log" &
  node_pid=$!
  port=
  for _ in $(seq 100); do
    port=$(grep -o 'Listening on 127.0.0.1:[0-9]*' "$work/node.log" 2>/dev/null | cut -d: -f2 || true)
    [ -n "$port" ] && break
    sleep 0.05
  done
  if [ -z "${port:-}" ]; then
    echo "node did not start" >&2; cat "$work/node.log" >&2; exit 1
  fi
  curl -s -X PUT --data-binary "$(head -c 100 /dev/zero | tr '\0' v)" "http://127.0.0.1:$port/v1/data/bench-key" >/dev/null

  # The node's own GET headers, as nginx add_header lines (nginx writes Content-Type/-Length).
  local same_headers
  same_headers=$(curl -s -D - -o /dev/null "http://127.0.0.1:$port/v1/data/bench-key" | tr -d '\r' |
    awk -F': ' 'NR > 1 && NF >= 2 && $1 !~ /^Content-(Type|Length)$/ {
      v = substr($0, length($1) + 3); gsub(/"/, "\\\"", v); printf "    add_header %s \"%s\" always;\n", $1, v }')
  nginx_port=$(free_port)
  nginx_hdr_port=$(free_port)
  mkdir -p "$work/nginx"
  local body=0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789
  cat > "$work/nginx.conf" <<CONF
worker_processes $threads;
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
    location / { return 200 "$body"; }
  }
  server {
    listen 127.0.0.1:$nginx_hdr_port;
    default_type application/octet-stream;
$same_headers
    location / { return 200 "$body"; }
  }
}
CONF
  nginx -c "$work/nginx.conf"
}

run_wrk() {  # wrk_threads connections url [script] -> "rps p50_ms p99_ms non2xx"
  local url=$3 script=${4:-}
  local args=(-t"$1" -c"$2" -d"${secs}s" --latency)
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
echo "${secs}s per wrk run, $rounds interleaved rounds per configuration (medians)"
: > "$work/results"
for threads in $thread_configs; do
  start_servers "$threads"
  for wc in $wrk_configs; do
    wt=${wc%%:*} conns=${wc##*:}
    tag="${threads}:${wt}:${conns}"
    for _ in $(seq "$rounds"); do
      # nginx and repram alternate within each round, so a slow spell of the VM hits both.
      echo "$tag ng_get $(run_wrk "$wt" "$conns" "http://127.0.0.1:$nginx_port/v1/data/bench-key")" >> "$work/results"
      echo "$tag nh_get $(run_wrk "$wt" "$conns" "http://127.0.0.1:$nginx_hdr_port/v1/data/bench-key")" >> "$work/results"
      echo "$tag rp_get $(run_wrk "$wt" "$conns" "http://127.0.0.1:$port/v1/data/bench-key")" >> "$work/results"
      echo "$tag ng_put $(run_wrk "$wt" "$conns" "http://127.0.0.1:$nginx_port/" bench/put_keys.lua)" >> "$work/results"
      echo "$tag nh_put $(run_wrk "$wt" "$conns" "http://127.0.0.1:$nginx_hdr_port/" bench/put_keys.lua)" >> "$work/results"
      echo "$tag rp_put $(run_wrk "$wt" "$conns" "http://127.0.0.1:$port/" bench/put_keys.lua)" >> "$work/results"
    done
  done
  if [ -n "${BENCH_VERBOSE:-}" ]; then
    curl -s "http://127.0.0.1:$port/v1/metrics" | grep -E '^repram_(http_requests_total|rate_limited|storage_entries)' >&2
    cat "$work/node.log" >&2
  fi
  stop_servers
done

python3 - "$work/results" <<'PY'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    tag, name, *vals = line.split()
    runs.setdefault((tag, name), []).append([float(v) for v in vals])
tags = list(dict.fromkeys(t for t, _ in runs))
print("| threads = workers | wrk | run | nginx req/s | nginx + same headers req/s | repram req/s | ratio to nginx (median; per round) | ratio to nginx + same headers (median; per round) | p50/p99 ms nginx, same headers, repram | repram non-2xx |")
print("|---|---|---|---|---|---|---|---|---|---|")
for tag in tags:
    threads, wt, conns = tag.split(":")
    def med(name, i):
        return statistics.median(r[i] for r in runs[(tag, name)])
    def ratios(rp, ref):
        rs = [x[0] / y[0] for x, y in zip(runs[(tag, rp)], runs[(tag, ref)])]
        return f"{statistics.median(rs):.2f} ({', '.join(f'{r:.2f}' for r in rs)})"
    for label, ng, nh, rp in (("GET 100 B", "ng_get", "nh_get", "rp_get"),
                              ("PUT 100 B", "ng_put", "nh_put", "rp_put")):
        lat = ", ".join(f"{med(n,1):.3f}/{med(n,2):.3f}" for n in (ng, nh, rp))
        print(f"| {threads} | -t{wt} -c{conns} | {label} | {med(ng,0):.0f} | {med(nh,0):.0f} | "
              f"{med(rp,0):.0f} | {ratios(rp, ng)} | {ratios(rp, nh)} | {lat} | "
              f"{sum(int(r[3]) for r in runs[(tag, rp)])} |")
PY
