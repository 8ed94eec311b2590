package dev.fluxion.examples.bench;

import dev.fluxion.diffeq.OdeAlgorithm;
import dev.fluxion.diffeq.OdeProblem;
import dev.fluxion.diffeq.OdeSolution;
import dev.fluxion.diffeq.SolveOptions;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Issue 11's speed point: Robertson on [0, 1e5], final value, per stiff method and tolerance pair
 * ({@link RobertsonCases}). A solve is {@code prob.solve(alg, options)} as a user writes it (the
 * right-hand side compiled on the first solve and cached; validation, the initial step and the
 * solution object included). Work counts are printed by {@link StiffTimes}. More methods:
 * {@code -p method=Rosenbrock23,KenCarp4}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class RobertsonBench {
    @Param({"Rosenbrock23", "Rodas4", "Rodas5P"})
    public String method;

    @Param({"1e-6/1e-10", "1e-3/1e-6"})
    public String tol;

    OdeProblem prob;
    OdeAlgorithm alg;
    SolveOptions options;

    @Setup(Level.Trial)
    public void setUp() {
        prob = RobertsonCases.problem();
        alg = RobertsonCases.algorithm(method);
        options = RobertsonCases.options(tol);
        OdeSolution s = prob.solve(alg, options);
        if (!s.retcode().successful()) throw new IllegalStateException(method + " at " + tol + " ended with " + s.retcode());
    }

    @Benchmark public OdeSolution solve() { return prob.solve(alg, options); }
}
