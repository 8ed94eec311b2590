package dev.fluxion.examples.bench;

import dev.fluxion.autodiff.AD;
import dev.fluxion.diffeq.OdeFunction;
import dev.fluxion.diffeq.OdeSolution;
import dev.fluxion.diffeq.SensitivityAlgorithm;
import dev.fluxion.diffeq.SolveOptions;
import dev.fluxion.diffeq.ensemble.EnsembleProblem;
import dev.fluxion.diffeq.ensemble.EnsembleReduction;
import dev.fluxion.diffeq.ensemble.EnsembleThreads;
import dev.fluxion.diffeq.sde.EM;
import dev.fluxion.diffeq.sde.SOSRI;
import dev.fluxion.diffeq.sde.SdeAlgorithm;
import dev.fluxion.diffeq.sde.SdeProblem;
import dev.fluxion.diffeq.sensitivity.ForwardDuals;
import dev.fluxion.examples.StochasticLotkaVolterra;
import dev.fluxion.tensor.Tensor;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * Issue 13's "100 paths" rows: the seed's stochastic Lotka–Volterra (noise 0.1·u, [0, 10], saved at
 * 0:0.1:10), 100 paths, the mean over paths of Σ (u(t) − 1)², forward and its gradient in p by
 * ForwardDuals; EM at dt 0.01 and adaptive SOSRI (rtol = atol = 1e-2). Written the two ways a user
 * writes 100 paths: an {@code EnsembleProblem} of 100 one-path solves on all cores
 * ({@code EnsembleThreads}, a path per seed), and one solve of a [100, 2] state (diagonal noise, 200
 * Brownian channels, one step size for all paths: torchsde's way, a batch dimension). A warmed
 * harness: each case warmed until the JIT is quiet (JitWarmup, 2–20 s), then the median and range of the timed calls, and ms per path.
 * torchsde's side is bench/peers/sde_torchsde.py (one path, and 100 paths in one batched call).
 * {@code java -cp examples/target/benchmarks.jar dev.fluxion.examples.bench.SdePathsBench [paths]}
 */
public final class SdePathsBench {
    private SdePathsBench() {}

    /** The seed's drift on a batch of states, one row per path: columns x and y. */
    static final OdeFunction BATCHED_DRIFT = (u, p, t) -> {
        Tensor x = u.slice(1, 0, 1), y = u.slice(1, 1, 2);
        return Tensor.concat(1, p.get(0).times(x).minus(p.get(1).times(x).times(y)),
                p.get(3).times(x).times(y).minus(p.get(2).times(y)));
    };

    static SolveOptions options(SdeAlgorithm alg, SensitivityAlgorithm s) {
        SolveOptions o = SolveOptions.defaults().saveat(0.1);
        if (!alg.adaptive()) o = o.dt(0.01);
        return s == null ? o : o.sensealg(s);
    }

    /** 100 one-path solves on all cores, path i with seed (seed, i) as the ensemble derives it. */
    static Tensor ensembleLoss(Tensor p, SdeAlgorithm alg, SensitivityAlgorithm s, int paths, long seed) {
        SdeProblem prob = StochasticLotkaVolterra.problem().remake(p);
        SolveOptions o = options(alg, s);
        return new EnsembleProblem<SdeProblem, OdeSolution, Tensor, Tensor>(prob, (q, i) -> q,
                (sol, i) -> sol.u().minus(1.0).square().sum(), EnsembleReduction.mean())
                .withSeed(seed).solve((q, sd) -> q.solve(alg, o.seed(sd)), new EnsembleThreads(), paths).u();
    }

    /** One solve of a [paths, 2] state. */
    static Tensor batchedLoss(Tensor p, SdeAlgorithm alg, SensitivityAlgorithm s, int paths, long seed) {
        SdeProblem prob = new SdeProblem(BATCHED_DRIFT, (u, q, t) -> u.times(0.1), Tensor.ones(paths, 2), 0.0, 10.0, p);
        return prob.solve(alg, options(alg, s).seed(seed)).u().minus(1.0).square().sum().div(paths);
    }

    interface Loss { Tensor at(Tensor p, SdeAlgorithm alg, SensitivityAlgorithm s, int paths, long seed); }

    public static void main(String[] args) {
        int paths = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        Tensor p = StochasticLotkaVolterra.problem().p();
        System.out.println(paths + " paths; " + new EnsembleThreads() + "; torchsde's figures: bench/peers/sde_torchsde.py");
        System.out.println("| case | way | median ms | range ms | runs | ms per path |");
        System.out.println("| --- | --- | ---: | ---: | ---: | ---: |");
        Loss ensemble = SdePathsBench::ensembleLoss, batched = SdePathsBench::batchedLoss;
        for (SdeAlgorithm alg : new SdeAlgorithm[] {new EM(), new SOSRI()}) {
            for (Object[] way : new Object[][] {{"EnsembleThreads", ensemble}, {"one [" + paths + ", 2] solve", batched}}) {
                Loss loss = (Loss) way[1];
                long[] seed = {1};
                report(alg.name() + " forward", (String) way[0], () -> loss.at(p, alg, null, paths, seed[0]++), paths);
                report(alg.name() + " gradient, ForwardDuals", (String) way[0],
                        () -> AD.gradient(q -> loss.at(q, alg, new ForwardDuals(), paths, seed[0]++), p), paths);
            }
        }
    }

    static void report(String name, String way, Supplier<Tensor> run, int paths) {
        JitWarmup.run(() -> run.get().toDoubleArray(), 2.0, 20.0);   // until the JIT is quiet, as SdeBench warms
        int runs = 0;
        double[] ms = new double[50];
        long start = System.nanoTime();
        while (runs < ms.length && (runs < 5 || System.nanoTime() - start < 4_000_000_000L)) {
            long t0 = System.nanoTime();
            run.get().toDoubleArray();
            ms[runs++] = (System.nanoTime() - t0) / 1e6;
        }
        double[] s = Arrays.copyOf(ms, runs);
        Arrays.sort(s);
        double med = s[runs / 2];
        System.out.printf("| %s | %s | %.1f | %.1f – %.1f | %d | %.3f |%n", name, way, med, s[0], s[runs - 1], runs, med / paths);
    }
}
