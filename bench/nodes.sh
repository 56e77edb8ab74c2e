# Shared by the multi-node benchmarks (sourced, not run): a scratch folder, node start-up on
# loopback and clean-up. Expects $bin (the repram binary). Sets $work and the array $pids.
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# Starts a private node NAME on 127.0.0.1:PORT (seeds PEERS), logging to $work/NAME.log, with
# rate limits out of the way; REPRAM_THREADS and REPRAM_GOSSIP_BATCH are passed on when set, and
# BENCH_SECRET as REPRAM_CLUSTER_SECRET. Waits until it listens.
start_node() {  # name port [peers]
  local name=$1 port=$2 peers=${3:-}
  env REPRAM_NETWORK=private REPRAM_BIND=127.0.0.1 REPRAM_ADDRESS=127.0.0.1 \
    REPRAM_HTTP_PORT="$port" REPRAM_NODE_ID="$name" REPRAM_PEERS="$peers" \
    REPRAM_RATE_LIMIT=100000000 REPRAM_PEER_RATE_LIMIT=100000000 REPRAM_LOG_LEVEL=info \
    ${REPRAM_THREADS:+REPRAM_THREADS=$REPRAM_THREADS} \
    ${BENCH_SECRET:+REPRAM_CLUSTER_SECRET=$BENCH_SECRET} \
    ${REPRAM_GOSSIP_BATCH:+REPRAM_GOSSIP_BATCH=$REPRAM_GOSSIP_BATCH} "$bin" 2>"$work/$name.log" &
  pids+=($!)
  for _ in $(seq 100); do
    grep -q "Listening on" "$work/$name.log" 2>/dev/null && return 0
    sleep 0.05
  done
  echo "$name did not start" >&2; cat "$work/$name.log" >&2; exit 1
}
