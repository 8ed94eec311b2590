package dev.fluxion.examples;

import dev.fluxion.autodiff.Parameter;
import dev.fluxion.diffeq.OdeAlgorithm;
import dev.fluxion.diffeq.OdeFunction;
import dev.fluxion.diffeq.OdeProblem;
import dev.fluxion.diffeq.OdeSolution;
import dev.fluxion.diffeq.SensitivityAlgorithm;
import dev.fluxion.diffeq.SolveOptions;
import dev.fluxion.diffeq.composite.AutoTsit5;
import dev.fluxion.diffeq.ode.Tsit5;
import dev.fluxion.diffeq.sensitivity.ForwardDuals;
import dev.fluxion.diffeq.sensitivity.ReverseTape;
import dev.fluxion.diffeq.stiff.KenCarp4;
import dev.fluxion.diffeq.stiff.Rodas5P;
import dev.fluxion.diffeq.stiff.Rosenbrock23;
import dev.fluxion.optim.Lbfgs;
import dev.fluxion.optim.Progress;
import dev.fluxion.optim.Trainer;
import dev.fluxion.tensor.Tensor;
import org.knowm.xchart.XYChart;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The seed's stiff example: Robertson's chemistry (Hairer–Wanner II, §IV.1) on [0, 1e5] and
 * [0, 1e11]. A non-stiff method (Tsit5) runs out of iterations; the Rosenbrock methods, the ESDIRK
 * KenCarp4 and the switching AutoTsit5(Rosenbrock23) solve it in a few hundred steps. Plots the three species on a
 * log-time axis (u2 scaled by 1e4), then recovers the log rate constants from noisy data through
 * the stiff solve, by forward lanes (ForwardDuals) through Rodas5P and KenCarp4, and by the tape
 * (ReverseTape). The adjoints do not run through stiff methods on this branch (their backward
 * system needs its own Jacobian): {@link #fitMethods} is the one place to add one when it does.
 */
public final class Robertson {
    private Robertson() {}

    /** du1 = −k1 u1 + k3 u2 u3, du2 = k1 u1 − k3 u2 u3 − k2 u2², du3 = k2 u2², with p = [k1, k2, k3]. */
    public static final OdeFunction RHS = (u, p, t) -> {
        Tensor y1 = u.get(0), y2 = u.get(1), y3 = u.get(2);
        return Tensor.stack(p.get(0).unaryMinus().times(y1).plus(p.get(2).times(y2).times(y3)),
                p.get(0).times(y1).minus(p.get(2).times(y2).times(y3)).minus(p.get(1).times(y2).times(y2)),
                p.get(1).times(y2).times(y2));
    };

    public static final double[] RATES = {0.04, 3e7, 1e4};

    public static OdeProblem problem(double t1) {
        return new OdeProblem(RHS, Tensor.of(1.0, 0.0, 0.0), 0.0, t1, Tensor.of(RATES));
    }

    /** One method's run: its return code, where it stopped, steps and time. */
    public record Run(String method, double t1, String retcode, double reached, int steps, double millis, double[] uEnd) {}

    public static Run run(OdeAlgorithm alg, double t1, SolveOptions o) {
        long start = System.nanoTime();
        OdeSolution sol = problem(t1).solve(alg, o);
        double ms = (System.nanoTime() - start) / 1e6;
        double[] t = sol.t();
        return new Run(alg.name(), t1, sol.retcode().toString(), t[t.length - 1], sol.stats().acceptedSteps(), ms,
                sol.u(-1).toDoubleArray());
    }

    /** The fit's outcome: recovered rates per sensitivity method. */
    public record Fit(String method, double[] rates, double initialLoss, double finalLoss, double seconds) {}

    /** Log-spaced observation times from 1e-4 to 1e4 and noisy observations (1 % relative, seeded) of the three species. */
    static double[] observationTimes() {
        double[] ts = new double[17];
        for (int i = 0; i < ts.length; i++) ts[i] = Math.pow(10, -4 + 0.5 * i);
        return ts;
    }

    /** The fits the example runs: a sensitivity method and the stiff solver it differentiates through. */
    public record FitMethod(SensitivityAlgorithm sensealg, OdeAlgorithm solver) {}

    /**
     * The example's fits. The hook for an adjoint through stiff solves: add, e.g.,
     * {@code m.put("InterpolatingAdjoint", new FitMethod(new InterpolatingAdjoint(), new Rodas5P()))}
     * once the adjoint's backward system takes Jacobians (it refuses stiff methods by name until then).
     */
    public static Map<String, FitMethod> fitMethods() {
        Map<String, FitMethod> m = new LinkedHashMap<>();
        m.put("ForwardDuals", new FitMethod(new ForwardDuals(), new Rodas5P()));
        m.put("ReverseTape", new FitMethod(new ReverseTape(), new Rodas5P()));
        m.put("ForwardDuals/KenCarp4", new FitMethod(new ForwardDuals(), new KenCarp4()));
        return m;
    }

    /** Fits through Rodas5P with each sensitivity method. */
    public static List<Fit> fit(Map<String, SensitivityAlgorithm> methods, int iterations, boolean quiet) {
        Map<String, FitMethod> m = new LinkedHashMap<>();
        methods.forEach((k, v) -> m.put(k, new FitMethod(v, new Rodas5P())));
        return fitWith(m, iterations, quiet);
    }

    public static List<Fit> fitWith(Map<String, FitMethod> methods, int iterations, boolean quiet) {
        double[] ts = observationTimes();
        SolveOptions o = SolveOptions.defaults().rtol(1e-8).atol(1e-12).saveat(ts);
        Tensor clean = problem(1e4).solve(new Rodas5P(), o).u();
        Random rng = new Random(11);
        double[] noisy = clean.toDoubleArray();
        for (int i = 0; i < noisy.length; i++) noisy[i] *= 1 + 0.01 * rng.nextGaussian();
        Tensor data = Tensor.of(clean.shape(), noisy);
        Tensor weights = Tensor.of(1.0, 1e4, 1.0);   // u2 is four orders smaller than the others
        List<Fit> fits = new java.util.ArrayList<>();
        for (Map.Entry<String, FitMethod> m : methods.entrySet()) {
            Parameter logK = new Parameter("log k", Tensor.of(Math.log(0.1), Math.log(1e7), Math.log(3e4)));
            SolveOptions om = o.sensealg(m.getValue().sensealg());
            OdeAlgorithm solver = m.getValue().solver();
            java.util.function.Supplier<Tensor> loss = () -> {
                Tensor u = problem(1e4).withP(logK.value().exp()).solve(solver, om).u();
                return u.minus(data).times(weights).square().sum();
            };
            double l0 = loss.get().item();
            long start = System.nanoTime();
            Trainer.train(loss, List.of(logK), new Lbfgs(), iterations, (it, l, ps) -> false, Progress.NEVER);
            double l1 = loss.get().item();
            double[] k = logK.value().exp().toDoubleArray();
            Fit f = new Fit(m.getKey(), k, l0, l1, (System.nanoTime() - start) / 1e9);
            fits.add(f);
            if (!quiet) {
                System.out.printf("  %-22s loss %.3e -> %.3e in %.1f s; k1 = %.4g, k2 = %.4g, k3 = %.4g (true 0.04, 3e7, 1e4)%n",
                        f.method(), l0, l1, f.seconds(), k[0], k[1], k[2]);
            }
        }
        return fits;
    }

    public static void main(String[] argv) {
        Args a = new Args(argv);
        Path out = Path.of(a.get("output", "robertson.png"));
        SolveOptions tight = SolveOptions.defaults().rtol(1e-6).atol(1e-10);
        System.out.println("Robertson's stiff chemistry, rtol 1e-6, atol 1e-10:");
        int maxiters = a.getInt("maxiters", 20000);
        for (double t1 : new double[] {1e5, 1e11}) {
            for (OdeAlgorithm alg : new OdeAlgorithm[] {new Tsit5(), new Rosenbrock23(), new Rodas5P(), new KenCarp4(),
                    new AutoTsit5(new Rosenbrock23())}) {
                Run r = run(alg, t1, alg instanceof Tsit5 ? tight.maxiters(maxiters) : tight);
                System.out.printf("  %-23s on [0, %.0e]: %-9s at t = %-9.3g %6d steps %9.1f ms   u(end) = [%.6g, %.6g, %.6g]%n",
                        r.method(), t1, r.retcode(), r.reached(), r.steps(), r.millis(), r.uEnd()[0], r.uEnd()[1], r.uEnd()[2]);
            }
        }
        System.out.println("  (Tsit5, a non-stiff method, stops at maxiters = " + maxiters + " long before the end: its step is held "
                + "to the stability limit of the fast reaction, |λ|h ≤ 3.5 with |λ| up to 1e4 and beyond. AutoTsit5 starts with "
                + "Tsit5, detects that and moves to Rosenbrock23.)");

        double[] ts = new double[81];
        for (int i = 0; i < ts.length; i++) ts[i] = Math.pow(10, -5 + 0.125 * i);
        OdeSolution sol = problem(1e5).solve(new Rodas5P(), tight.saveat(ts));
        double[][] rows = new double[ts.length][];
        for (int i = 0; i < ts.length; i++) rows[i] = sol.u(i).toDoubleArray();
        XYChart c = Plots.chart("Robertson (Rodas5P)", "t", "concentration");
        c.getStyler().setXAxisLogarithmic(true);
        c.getStyler().setXAxisDecimalPattern("0.#E0");
        Plots.line(c, "u1", sol.t(), Plots.column(rows, 0));
        double[] u2 = Plots.column(rows, 1);
        for (int i = 0; i < u2.length; i++) u2[i] *= 1e4;
        Plots.line(c, "u2 × 1e4", sol.t(), u2);
        Plots.line(c, "u3", sol.t(), Plots.column(rows, 2));
        System.out.println("plot written to " + Plots.save(out, List.of(c)).toAbsolutePath());

        System.out.println("Fit: recover k1, k2, k3 (as log-parameters) from 17 noisy observations, L-BFGS, through Rodas5P and KenCarp4:");
        fitWith(fitMethods(), a.getInt("iterations", 30), false);
        System.out.println("  (an adjoint through stiff solves is not on this branch: Robertson.fitMethods() is where it joins)");
    }
}
