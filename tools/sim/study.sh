#!/usr/bin/env bash
# Runs the simulations behind docs/scale.md and draws its plots (tools/sim/plot.py).
# Usage: tools/sim/study.sh [STUDY_DIR]   (default build/sim-study; PNGs go to docs/scale/)
# Sequential and deterministic (seed 1); about an hour of wall time on the shared 2-core machine,
# a third of it for scale at 2,000 nodes.
# scale-lossy stops at 500 nodes: above that its SYNC storm (docs/scale.md) takes too long.
set -euo pipefail
cd "$(dirname "$0")/../.."
sim=${REPRAM_SIM:-build/tools/sim/repram-sim}
study=${1:-build/sim-study}
scenarios=tools/sim/scenarios

run() {  # run SCENARIO OUT [--nodes N]
  local scenario=$1 out=$2
  shift 2
  "$sim" "$scenarios/$scenario.json" --out "$out" "$@" | tail -1
}

for n in 10 20 32 33 50 100 200 500 1000 2000; do run scale "$study/scale/$n" --nodes "$n"; done
for n in 10 20 33 50 100 200 500; do run scale-lossy "$study/scale-lossy/$n" --nodes "$n"; done
for n in 10 20 33 50 100 200; do run scale-lossy-ae "$study/scale-lossy-ae/$n" --nodes "$n"; done
for n in 10 20 50 100 200 500; do run partition "$study/partition/$n" --nodes "$n"; done
for n in 10 20 50 100 200; do run long-partition "$study/long-partition/$n" --nodes "$n"; done
run mass-recovery "$study/mass-recovery"
run mass-recovery-flat "$study/mass-recovery-flat"
run transients "$study/transients"  # section "WS transients" (figures in the table)
/usr/bin/python3 tools/sim/plot.py "$study" docs/scale
