#!/usr/bin/env bash
# Issue 13's one-path rows on a noisy machine: Fluxion's SdeBench and torchsde's EM (dt 0.01, one path)
# alternated round by round, so each Fluxion row has a torchsde run beside it; the ratios to quote are
# per round (docs/BENCHMARKS.md). Usage: bench/peers/sde_pairs.sh [rounds] [EM|SOSRI]
# Needs examples/target/benchmarks.jar and torchsde as bench/peers/sde_torchsde.py says (TORCHSDE=its source folder).
set -uo pipefail
cd "$(dirname "$0")/../.."
: "${TORCHSDE:=/tmp/tsde}"
rounds="${1:-3}"; only="${2:-SOSRI}"
for r in $(seq 1 "$rounds"); do
  echo "== round $r $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)"
  java -cp examples/target/benchmarks.jar dev.fluxion.examples.bench.SdeBench "$only"
  PYTHONPATH="$TORCHSDE:bench/peers/shim" /usr/bin/python3 bench/peers/sde_torchsde.py --methods euler --batch 1 --reps 7 | tail -n +2
done
