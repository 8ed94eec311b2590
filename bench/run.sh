#!/usr/bin/env bash
# Builds the JMH benchmarks (examples/) and runs a named set, printing JMH's result table.
#
#   bench/run.sh                      # every benchmark
#   bench/run.sh TensorOpBench        # one class (a JMH regex over benchmark names)
#   bench/run.sh 'MlpBench|TapeBench' -prof gc   # extra arguments go to JMH
#   bench/run.sh MlpBench -wi 3 -i 3  # ... and override the classes' settings
#
# The benchmark classes' annotations set one fork and 5 warm-up plus 5 measured iterations of
# 1 s; the foundation set (TensorOpBench|TapeBench|DualBench|MlpBench|TanhBench) takes about
# 15 minutes on 2 cores. The machine-readable results go to examples/target/jmh-result.json (or $RESULT), and
# bench/table.py prints them as the Markdown table docs/BENCHMARKS.md uses (median of iterations,
# score ± error, spread, bytes allocated per op when run with -prof gc).
# Set SKIP_BUILD=1 to reuse examples/target/benchmarks.jar. On a shared machine, bench/quiet.py
# runs methods one at a time when the CPUs are idle and reruns the ones whose iterations disagree.
set -euo pipefail
cd "$(dirname "$0")/.."

pattern="${1:-dev.fluxion.examples.bench}"
shift || true

if [[ "${SKIP_BUILD:-0}" != "1" ]]; then
  mvn -q -pl examples -am package -DskipTests
fi

result="${RESULT:-examples/target/jmh-result.json}"
java -version 2>&1 | head -1
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
java -jar examples/target/benchmarks.jar "$pattern" -rf json -rff "$result" "$@"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
if command -v python3 >/dev/null; then
  echo
  python3 bench/table.py "$result"
fi
