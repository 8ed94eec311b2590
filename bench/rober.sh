#!/usr/bin/env bash
# Issue 11's stiff benchmark in one session: SciPy's LSODA, BDF and Radau (bench/peers/rober_scipy.py)
# and Fluxion's stiff methods (dev.fluxion.examples.bench.StiffTimes) on Robertson [0, 1e5], final
# value, at rtol 1e-6 / atol 1e-10 and rtol 1e-3 / atol 1e-6, run in turn (SciPy, Fluxion, SciPy
# again) so that the ratios come from one stretch of machine load; `uptime` is printed around them.
#
#   bench/rober.sh                          # the default methods (RobertsonCases.METHODS)
#   bench/rober.sh Rodas5P KenCarp4         # named Fluxion methods (class names, resolved reflectively)
#   SKIP_BUILD=1 bench/rober.sh             # reuse examples/target/benchmarks.jar
#
# Needs python3 with SciPy (Debian: apt-get install -y python3-scipy). docs/BENCHMARKS.md,
# "Stiff: Robertson", records a run.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ "${SKIP_BUILD:-0}" != "1" ]]; then
  mvn -B -q -pl examples -am package -DskipTests
fi
echo "== $(date -u +%FT%TZ) $(uptime)"
java -version 2>&1 | head -1
echo "== SciPy (first)"
python3 bench/peers/rober_scipy.py --repeats "${SCIPY_REPEATS:-7}"
echo "== Fluxion"
java -cp examples/target/benchmarks.jar dev.fluxion.examples.bench.StiffTimes --rounds "${ROUNDS:-15}" "$@"
echo "== SciPy (again)"
python3 bench/peers/rober_scipy.py --repeats "${SCIPY_REPEATS:-7}"
echo "== $(date -u +%FT%TZ) $(uptime)"
