package dev.fluxion.examples;

import dev.fluxion.autodiff.Parameter;
import dev.fluxion.diffeq.OdeFunction;
import dev.fluxion.diffeq.OdeSolution;
import dev.fluxion.diffeq.SolveOptions;
import dev.fluxion.diffeq.sde.SOSRI;
import dev.fluxion.diffeq.sde.SdeProblem;
import dev.fluxion.diffeq.sensitivity.ForwardDuals;
import dev.fluxion.optim.Adam;
import dev.fluxion.optim.Progress;
import dev.fluxion.optim.Trainer;
import dev.fluxion.tensor.Tensor;
import org.knowm.xchart.XYChart;

import java.nio.file.Path;
import java.util.List;

/**
 * The seed's stochastic Lotka–Volterra fit (DiffEqFlux's {@code diffeq_fd} with SOSRI): du = LV(u, p) dt
 * + 0.1·u dW (diagonal noise), u0 = [1, 1], t ∈ [0, 10], p = [1.5, 1, 3, 1]; starting from
 * p = [2.2, 1, 2, 0.4], make the prey population constant at 1 — loss Σ (x(t) − 1)² over
 * t = 0:0.1:10 — by Adam(0.1) for 100 iterations, differentiating each solve by forward duals on a
 * fresh path per iteration (seeded, so the run is reproducible: a stochastic gradient, as in the
 * seed where each loss draws new noise). Writes sde-lv.png: one path at the initial and at the
 * fitted parameters.
 */
public final class StochasticLotkaVolterra {
    private StochasticLotkaVolterra() {}

    static final OdeFunction DRIFT = (u, p, t) -> {
        Tensor x = u.get(0), y = u.get(1);
        return Tensor.stack(p.get(0).times(x).minus(p.get(1).times(x).times(y)),
                p.get(3).times(x).times(y).minus(p.get(2).times(y)));
    };

    /** The seed's problem: multiplicative noise 0.1·u on both populations. */
    public static SdeProblem problem() {
        return new SdeProblem(DRIFT, (u, p, t) -> u.times(0.1), Tensor.of(1.0, 1.0), 0.0, 10.0, Tensor.of(1.5, 1.0, 3.0, 1.0));
    }

    public record Fit(double initialLoss, double finalLoss, double[] p, double seconds, int iterations) {}

    /** Trains for the given iterations; the loss at the start and end is measured on the same fixed path (seed 0). */
    public static Fit fit(int iterations, boolean quiet) {
        SdeProblem prob = problem();
        SolveOptions o = SolveOptions.defaults().saveat(0.1).sensealg(new ForwardDuals());
        Parameter p = new Parameter("p", Tensor.of(2.2, 1.0, 2.0, 0.4));
        long[] seed = {1};
        java.util.function.Function<Long, Tensor> loss = s -> prob.remake(p.value()).solve(new SOSRI(), o.seed(s))
                .u().slice(1, 0, 1).minus(1.0).square().sum();
        double l0 = loss.apply(0L).item();
        long start = System.nanoTime();
        Trainer.train(() -> loss.apply(seed[0]++), List.of(p), new Adam(0.1), iterations, (it, l, ps) -> {
            if (!quiet && (it % 10 == 0 || it == iterations)) System.out.printf("  iteration %3d  loss %9.4f%n", it, l);
            return false;
        }, Progress.NEVER);
        double secs = (System.nanoTime() - start) / 1e9;
        double l1 = loss.apply(0L).item();
        return new Fit(l0, l1, p.value().toDoubleArray(), secs, iterations);
    }

    public static void main(String[] argv) {
        Args a = new Args(argv);
        int iterations = a.getInt("iterations", 100);
        Path out = Path.of(a.get("output", "sde-lv.png"));
        SdeProblem prob = problem();
        SolveOptions o = SolveOptions.defaults().saveat(0.1).seed(0);
        OdeSolution sol = prob.solve(new SOSRI(), o);
        System.out.printf("Stochastic Lotka–Volterra (noise 0.1·u), SOSRI, one path: %s, %d accepted and %d rejected steps%n",
                sol.retcode(), sol.stats().acceptedSteps(), sol.stats().rejectedSteps());
        System.out.println("Fit: make the prey population constant at 1 from p = [2.2, 1, 2, 0.4] (Adam(0.1), ForwardDuals, a new path per iteration)");
        Fit f = fit(iterations, false);
        System.out.printf("loss on path 0: %.4f -> %.4f in %d iterations (%.1f s, %.1f ms/iteration); p = %s%n",
                f.initialLoss(), f.finalLoss(), f.iterations(), f.seconds(), 1e3 * f.seconds() / Math.max(1, f.iterations()),
                java.util.Arrays.toString(f.p()));
        XYChart before = Plots.chart("p = [2.2, 1, 2, 0.4] (path 0)", "t", "population");
        XYChart after = Plots.chart("fitted p (path 0)", "t", "population");
        OdeSolution s0 = prob.remake(Tensor.of(2.2, 1.0, 2.0, 0.4)).solve(new SOSRI(), o);
        OdeSolution s1 = prob.remake(Tensor.of(f.p())).solve(new SOSRI(), o);
        for (Object[] c : new Object[][] {{before, s0}, {after, s1}}) {
            XYChart chart = (XYChart) c[0];
            OdeSolution s = (OdeSolution) c[1];
            double[][] rows = new double[s.size()][];
            for (int i = 0; i < rows.length; i++) rows[i] = s.u(i).toDoubleArray();
            Plots.line(chart, "prey x", s.t(), Plots.column(rows, 0));
            Plots.line(chart, "predator y", s.t(), Plots.column(rows, 1));
        }
        System.out.println("wrote " + Plots.save(out, List.of(before, after)));
    }
}
