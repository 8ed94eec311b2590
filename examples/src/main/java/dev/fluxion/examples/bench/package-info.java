/**
 * JMH benchmarks. Build and run with {@code bench/run.sh NAME_REGEX} from the repository root, or
 * {@code mvn -q -pl examples -am package -DskipTests && java -jar examples/target/benchmarks.jar NAME_REGEX}.
 * Results and the commands that produced them are in {@code docs/BENCHMARKS.md}.
 */
package dev.fluxion.examples.bench;
