#!/usr/bin/env bash
# Issue 15's batched neural ODE, Fluxion and torchdiffeq in one period: for each round and each B,
# torchdiffeq (bench/peers/batched_torchdiffeq.py) then Fluxion (BatchedNeuralOde) back to back,
# so each pair meets the same load; prints both tables and the load around them.
#
#   TORCHDIFFEQ=/path/to/torchdiffeq-source bench/peers/batched_pairs.sh [ROUNDS] [B,B,...] [SENSEALGS]
#
# Needs examples/target/benchmarks.jar (./fluxion builds it), python3 with torch (Debian:
# apt-get install python3-torch python3-scipy) and torchdiffeq's source folder (the one holding the
# torchdiffeq package) in $TORCHDIFFEQ.
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds="${1:-2}"
batches="${2:-16,256,1024}"
methods="${3:-ReverseTape}"
py="${PYTHON:-/usr/bin/python3}"
: "${TORCHDIFFEQ:?set TORCHDIFFEQ to the folder holding the torchdiffeq package}"
for r in $(seq 1 "$rounds"); do
  for b in ${batches//,/ }; do
    echo "== round $r, B = $b, $(date -u +%H:%M:%S), load $(cut -d' ' -f1-3 /proc/loadavg)"
    PYTHONPATH="$TORCHDIFFEQ" "$py" bench/peers/batched_torchdiffeq.py --batch "$b" --modes "${TORCH_MODES:-backprop,adjoint}" --reps "${REPS:-20}" | grep '^| [0-9]'
    java -cp examples/target/benchmarks.jar dev.fluxion.examples.bench.BatchedNeuralOde "$b" "$methods" "${REPS:-20}" | grep '^| [0-9]'
  done
done
