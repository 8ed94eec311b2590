package dev.fluxion.examples.bench;

import dev.fluxion.autodiff.AD;
import dev.fluxion.diffeq.OdeProblem;
import dev.fluxion.diffeq.OdeSolution;
import dev.fluxion.diffeq.SensitivityAlgorithm;
import dev.fluxion.diffeq.SolveOptions;
import dev.fluxion.diffeq.ensemble.EnsembleAlgorithm;
import dev.fluxion.diffeq.ensemble.EnsembleProblem;
import dev.fluxion.diffeq.ensemble.EnsembleReduction;
import dev.fluxion.diffeq.ensemble.EnsembleSerial;
import dev.fluxion.diffeq.ensemble.EnsembleThreads;
import dev.fluxion.diffeq.ensemble.TrajectorySolver;
import dev.fluxion.diffeq.ode.Tsit5;
import dev.fluxion.diffeq.sde.SOSRI;
import dev.fluxion.diffeq.sde.SdeProblem;
import dev.fluxion.diffeq.sensitivity.ForwardDuals;
import dev.fluxion.diffeq.sensitivity.InterpolatingAdjoint;
import dev.fluxion.examples.LotkaVolterra;
import dev.fluxion.examples.StochasticLotkaVolterra;
import dev.fluxion.tensor.Tensor;

import java.util.Arrays;
import java.util.function.Supplier;

/**
 * 100 trajectories, EnsembleSerial against EnsembleThreads (all cores), forward and gradient: the
 * Lotka–Volterra ODE from 100 initial states (Tsit5, saveat 0.1, rtol = atol = 1e-6; gradient of the
 * mean loss by InterpolatingAdjoint) and the seed's stochastic Lotka–Volterra, 100 paths (SOSRI,
 * saveat 0.1; gradient by ForwardDuals). A warmed-up harness: each round times serial and threads
 * back to back, so the ratio of a pair shares the machine's load; reports medians and the per-round
 * ratio's median and range.
 * {@code java -cp examples/target/benchmarks.jar dev.fluxion.examples.bench.EnsembleBench [rounds]}
 */
public final class EnsembleBench {
    private EnsembleBench() {}

    static final int PATHS = 100;

    static Tensor odeLoss(Tensor p, SensitivityAlgorithm s, EnsembleAlgorithm alg) {
        OdeProblem prob = LotkaVolterra.problem().remake(p);
        SolveOptions o = SolveOptions.defaults().saveat(0.1).rtol(1e-6).atol(1e-6).sensealg(s);
        return new EnsembleProblem<OdeProblem, OdeSolution, Tensor, Tensor>(prob,
                (q, i) -> q.withU0(Tensor.of(0.8 + 0.004 * i, 1.2 - 0.004 * i)),
                (sol, i) -> sol.u().minus(1.0).square().sum(), EnsembleReduction.mean())
                .solve(TrajectorySolver.ode(new Tsit5(), o), alg, PATHS).u();
    }

    static Tensor sdeLoss(Tensor p, SensitivityAlgorithm s, EnsembleAlgorithm alg) {
        SdeProblem prob = StochasticLotkaVolterra.problem().remake(p);
        SolveOptions o = SolveOptions.defaults().saveat(0.1).sensealg(s);
        return new EnsembleProblem<SdeProblem, OdeSolution, Tensor, Tensor>(prob, (q, i) -> q,
                (sol, i) -> sol.u().slice(1, 0, 1).minus(1.0).square().sum(), EnsembleReduction.mean())
                .withSeed(3).solve((q, seed) -> q.solve(new SOSRI(), o.seed(seed)), alg, PATHS).u();
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 9;
        Tensor p = Tensor.of(1.5, 1.0, 3.0, 1.0);
        EnsembleAlgorithm serial = EnsembleSerial.INSTANCE, threads = new EnsembleThreads();
        System.out.println("cores: " + Runtime.getRuntime().availableProcessors() + ", " + threads + ", " + rounds + " rounds after warm-up");
        System.out.println("| 100 trajectories | serial median (ms) | threads median (ms) | speed-up: ratio of medians | per-round ratio median [min, max] |");
        System.out.println("| --- | --- | --- | --- | --- |");
        pair("LV ODE, Tsit5, forward", () -> odeLoss(p, null, serial), () -> odeLoss(p, null, threads), rounds);
        pair("LV ODE, gradient (InterpolatingAdjoint)", () -> AD.gradient(q -> odeLoss(q, new InterpolatingAdjoint(), serial), p),
                () -> AD.gradient(q -> odeLoss(q, new InterpolatingAdjoint(), threads), p), rounds);
        pair("LV SDE, SOSRI, forward", () -> sdeLoss(p, null, serial), () -> sdeLoss(p, null, threads), rounds);
        pair("LV SDE, gradient (ForwardDuals)", () -> AD.gradient(q -> sdeLoss(q, new ForwardDuals(), serial), p),
                () -> AD.gradient(q -> sdeLoss(q, new ForwardDuals(), threads), p), rounds);
    }

    static void pair(String name, Supplier<Tensor> a, Supplier<Tensor> b, int rounds) {
        for (int w = 0; w < 3; w++) { a.get(); b.get(); }
        double[] ta = new double[rounds], tb = new double[rounds], ratio = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            ta[r] = time(a);
            tb[r] = time(b);
            ratio[r] = ta[r] / tb[r];
        }
        double ma = median(ta), mb = median(tb);
        double[] rs = ratio.clone();
        Arrays.sort(rs);
        System.out.printf("| %s | %.1f | %.1f | %.2f× | %.2f× [%.2f, %.2f] |%n", name, ma, mb, ma / mb, median(ratio), rs[0], rs[rs.length - 1]);
    }

    static double time(Supplier<Tensor> f) {
        long t = System.nanoTime();
        f.get().toDoubleArray();
        return (System.nanoTime() - t) / 1e6;
    }

    static double median(double[] x) {
        double[] s = x.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]);
    }
}
