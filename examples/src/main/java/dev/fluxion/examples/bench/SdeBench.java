package dev.fluxion.examples.bench;

import dev.fluxion.autodiff.AD;
import dev.fluxion.diffeq.SensitivityAlgorithm;
import dev.fluxion.diffeq.SolveOptions;
import dev.fluxion.diffeq.sde.EM;
import dev.fluxion.diffeq.sde.SOSRI;
import dev.fluxion.diffeq.sde.SdeAlgorithm;
import dev.fluxion.diffeq.sde.SdeProblem;
import dev.fluxion.diffeq.sensitivity.BacksolveAdjoint;
import dev.fluxion.diffeq.sensitivity.ForwardDuals;
import dev.fluxion.diffeq.sensitivity.ReverseTape;
import dev.fluxion.examples.StochasticLotkaVolterra;
import dev.fluxion.tensor.Tensor;

import java.util.Arrays;
import java.util.function.Supplier;

/**
 * The seed's stochastic Lotka–Volterra (noise 0.1·u, [0, 10]), one path: a forward solve and the
 * gradient of Σ (u(t) − 1)² over saveat 0.1 with respect to p, by EM with dt 0.01 (torchsde's
 * setting in issue 13) and adaptive SOSRI (rtol = atol = 1e-2), each gradient by ForwardDuals,
 * ReverseTape and BacksolveAdjoint. A warmed harness: each case runs until the JIT is quiet (JitWarmup: 2–20 s), then
 * reports the median and the interquartile range of its timed runs (a new path, seed k, per run).
 * {@code java -cp examples/target/benchmarks.jar dev.fluxion.examples.bench.SdeBench [EM|SOSRI]}
 */
public final class SdeBench {
    private SdeBench() {}

    public static void main(String[] args) {
        SdeProblem prob = StochasticLotkaVolterra.problem();
        Tensor p = prob.p();
        System.out.println("| case | median ms | IQR ms | runs | torchsde (issue 13) | speed-up |");
        System.out.println("| --- | --- | --- | --- | --- | --- |");
        String only = args.length > 0 ? args[0] : null;   // "EM" or "SOSRI": that method's rows alone
        for (SdeAlgorithm alg : new SdeAlgorithm[] {new EM(), new SOSRI()}) {
            if (only != null && !alg.name().equals(only)) continue;
            SolveOptions o = SolveOptions.defaults().saveat(0.1);
            if (!alg.adaptive()) o = o.dt(0.01);
            SolveOptions base = o;
            long[] seed = {1};
            report(alg.name() + " forward solve", () -> prob.solve(alg, base.seed(seed[0]++)).u(), 500);
            for (SensitivityAlgorithm s : new SensitivityAlgorithm[] {new ForwardDuals(), new ReverseTape(), new BacksolveAdjoint()}) {
                SolveOptions os = base.sensealg(s);
                double torch = s instanceof BacksolveAdjoint ? 2100 : 630;
                report(alg.name() + " gradient, " + s.name(), () -> AD.gradient(q -> prob.remake(q).solve(alg, os.seed(seed[0]++))
                        .u().minus(1.0).square().sum(), p), torch);
            }
        }
    }

    private static void report(String name, Supplier<Tensor> run, double torchMs) {
        JitWarmup.run(run::get, 2.0, 20.0);   // until the JIT is quiet: it would take the other core mid-run
        int runs = 0;
        double[] ms = new double[200];
        long start = System.nanoTime();
        while (runs < ms.length && (runs < 5 || System.nanoTime() - start < 3_000_000_000L)) {
            long t0 = System.nanoTime();
            run.get();
            ms[runs++] = (System.nanoTime() - t0) / 1e6;
        }
        double[] s = Arrays.copyOf(ms, runs);
        Arrays.sort(s);
        double med = s[runs / 2], iqr = s[(3 * runs) / 4] - s[runs / 4];
        String torch = torchMs == 500 ? "440–570 ms" : torchMs + " ms";
        System.out.printf("| %s | %.2f | %.2f | %d | %s | %.0f× |%n", name, med, iqr, runs, torch, torchMs / med);
    }
}
