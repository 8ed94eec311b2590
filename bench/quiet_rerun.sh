#!/usr/bin/env bash
# Every open issue's benchmark pairs in one go (docs/BENCHMARKS.md, "Where the open goals stand").
# Usage: bench/quiet_rerun.sh [parts...]   parts: rober lv lvgc interleaved sde paths torchsde pairs batched spiral ensemble (default: all but lvgc and pairs)
# Needs examples/target/benchmarks.jar, python3 with SciPy, and for batched/spiral /usr/bin/python3 with torch and
# TORCHDIFFEQ=/path/to/torchdiffeq-source (the folder holding the torchdiffeq package), for torchsde
# TORCHSDE=/path/to/torchsde-source (bench/peers/sde_torchsde.py says how). Run it on a quiet machine.
set -uo pipefail
cd "$(dirname "$0")/.."
: "${TORCHDIFFEQ:=/tmp/tdq}"
: "${TORCHSDE:=/tmp/tsde}"
parts="${*:-rober lv interleaved sde paths torchsde batched spiral ensemble}"
ld() { echo "== $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg) :: $*"; }
for p in $parts; do
  case $p in
    rober) ld rober; SKIP_BUILD=1 bash bench/rober.sh Rosenbrock23 Rodas4 Rodas5P KenCarp4 TRBDF2 ;;
    lv) ld lv-jmh; java -jar examples/target/benchmarks.jar 'OdeSolveBench.lv(Tsit5|HipparchusDP54)$|GradientBench.lotkaVolterra(HipparchusVariational)?$' -p tol=1e-6 -p method=ForwardDuals -f 1 2>&1 | sed -n '/^Benchmark/,$p' ;;
    lvgc) ld lv-gc; java -jar examples/target/benchmarks.jar 'OdeSolveBench.lv(Tsit5|HipparchusDP54)$|GradientBench.lotkaVolterra(HipparchusVariational)?$' -p tol=1e-6 -p method=ForwardDuals -prof gc 2>&1 | grep -E "^Benchmark|norm|avgt" ;;
    interleaved) ld interleaved; java -cp examples/target/benchmarks.jar dev.fluxion.examples.bench.InterleavedTable ;;
    sde) ld sde; java -cp examples/target/benchmarks.jar dev.fluxion.examples.bench.SdeBench ;;
    paths) ld paths; java -cp examples/target/benchmarks.jar dev.fluxion.examples.bench.SdePathsBench 100 ;;
    torchsde) ld torchsde   # one path and 100 batched paths, EM ('euler') and torchsde's default 'srk', dt 0.01
      PYTHONPATH="$TORCHSDE:bench/peers/shim" /usr/bin/python3 bench/peers/sde_torchsde.py --methods euler --reps 7
      PYTHONPATH="$TORCHSDE:bench/peers/shim" /usr/bin/python3 bench/peers/sde_torchsde.py --methods srk --batch 1,100 --modes forward,backprop --reps 3 --warm 0 | tail -n +4 ;;
    pairs) ld pairs; TORCHSDE="$TORCHSDE" bash bench/peers/sde_pairs.sh 5 SOSRI ;;   # SdeBench and torchsde's EM alternated: per-round ratios on a noisy host
    batched) ld batched; TORCHDIFFEQ="$TORCHDIFFEQ" REPS=15 bash bench/peers/batched_pairs.sh 1 16,256,1024 ReverseTape,BacksolveAdjoint,InterpolatingAdjoint ;;
    spiral) ld spiral   # the job's steady state: Fluxion, torchdiffeq, Fluxion, 1000 iterations each
      java -cp examples/target/benchmarks.jar dev.fluxion.examples.bench.SpiralIterations --iterations 1000 | tail -4
      PYTHONPATH="$TORCHDIFFEQ" /usr/bin/python3 bench/peers/spiral_torchdiffeq.py --iterations 1000 | tail -4
      java -cp examples/target/benchmarks.jar dev.fluxion.examples.bench.SpiralIterations --iterations 1000 | tail -4 ;;
    ensemble) ld ensemble; java -cp examples/target/benchmarks.jar dev.fluxion.examples.bench.EnsembleBench 5 ;;
  esac
done
ld done
