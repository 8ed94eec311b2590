package dev.fluxion.examples;

import dev.fluxion.autodiff.AD;
import dev.fluxion.autodiff.Parameter;
import dev.fluxion.diffeq.OdeFunction;
import dev.fluxion.diffeq.OdeProblem;
import dev.fluxion.diffeq.OdeSolution;
import dev.fluxion.diffeq.SensitivityAlgorithm;
import dev.fluxion.diffeq.SolveOptions;
import dev.fluxion.diffeq.events.EventFunction;
import dev.fluxion.diffeq.events.PresetTimeCallback;
import dev.fluxion.diffeq.ode.Tsit5;
import dev.fluxion.diffeq.sensitivity.ForwardDuals;
import dev.fluxion.diffeq.sensitivity.InterpolatingAdjoint;
import dev.fluxion.optim.Lbfgs;
import dev.fluxion.optim.Progress;
import dev.fluxion.optim.Trainer;
import dev.fluxion.tensor.Tensor;
import org.knowm.xchart.XYChart;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Repeated oral doses (a PresetTimeCallback adds a dose to the gut compartment at 8 h and 16 h,
 * the first is u0) through a one-compartment model with first-order absorption, gut → central at
 * rate ka, elimination at rate ke, and a drug effect E = C/(EC50 + C) (an Emax dose–response
 * curve). From 24 noisy effect observations, L-BFGS recovers ka, ke and the dose–response
 * parameter EC50 (as log-parameters), with gradients through the doses by InterpolatingAdjoint (the
 * adjoint jumps at each dose) and by ForwardDuals.
 */
public final class Dosing {
    private Dosing() {}

    /** u = [gut, central], p = [ka, ke, dose]. */
    public static final OdeFunction PK = (u, p, t) -> {
        Tensor absorbed = p.get(0).times(u.get(0));
        return Tensor.stack(absorbed.unaryMinus(), absorbed.minus(p.get(1).times(u.get(1))));
    };
    public static final EventFunction DOSE = (u, p, t) -> u.plus(Tensor.of(1.0, 0.0).times(p.get(2)));
    public static final PresetTimeCallback DOSES = new PresetTimeCallback(new double[] {8.0, 16.0}, DOSE).named("dose");
    /** True ka, ke, EC50. */
    public static final double[] TRUE = {1.2, 0.25, 0.5};
    static final double DOSE_AMOUNT = 1.0;

    static double[] observationTimes() {
        double[] ts = new double[24];
        for (int i = 0; i < ts.length; i++) ts[i] = i + 1.0;
        return ts;
    }

    /** The effect at the observation times for θ = [ka, ke, EC50]. */
    static Tensor effect(Tensor theta, SolveOptions o) {
        OdeProblem prob = new OdeProblem(PK, Tensor.of(DOSE_AMOUNT, 0.0), 0.0, 24.0,
                Tensor.stack(theta.get(0), theta.get(1), Tensor.scalar(DOSE_AMOUNT)));
        Tensor c = prob.solve(new Tsit5(), o.callback(DOSES)).u().slice(1, 1, 2).reshape(-1);
        return c.div(c.plus(theta.get(2)));
    }

    /** One method's fit. */
    public record Fit(String method, double[] theta, double initialLoss, double finalLoss) {}

    public static Tensor data() {
        SolveOptions o = SolveOptions.defaults().rtol(1e-8).atol(1e-10).saveat(observationTimes());
        double[] y = effect(Tensor.of(TRUE), o).toDoubleArray();
        Random rng = new Random(5);
        for (int i = 0; i < y.length; i++) y[i] += 0.01 * rng.nextGaussian();
        return Tensor.of(y);
    }

    public static List<Fit> fit(int iterations, boolean quiet) {
        Tensor data = data();
        SolveOptions o = SolveOptions.defaults().rtol(1e-8).atol(1e-10).saveat(observationTimes());
        Map<String, SensitivityAlgorithm> methods = new LinkedHashMap<>();
        methods.put("InterpolatingAdjoint", new InterpolatingAdjoint());
        methods.put("ForwardDuals", new ForwardDuals());
        List<Fit> fits = new ArrayList<>();
        for (var m : methods.entrySet()) {
            Parameter logTheta = new Parameter("log θ", Tensor.of(Math.log(0.5), Math.log(0.5), Math.log(1.0)));
            SolveOptions om = o.sensealg(m.getValue());
            java.util.function.Supplier<Tensor> loss = () -> effect(logTheta.value().exp(), om).minus(data).square().sum();
            double l0 = loss.get().item();
            Trainer.train(loss, List.of(logTheta), new Lbfgs(), iterations, (it, l, ps) -> false, Progress.NEVER);
            double[] th = logTheta.value().exp().toDoubleArray();
            Fit f = new Fit(m.getKey(), th, l0, loss.get().item());
            fits.add(f);
            if (!quiet) {
                System.out.printf("  %-20s loss %.3e -> %.3e; ka = %.4f, ke = %.4f, EC50 = %.4f (true %.2f, %.2f, %.2f)%n", f.method(),
                        l0, f.finalLoss(), th[0], th[1], th[2], TRUE[0], TRUE[1], TRUE[2]);
            }
        }
        return fits;
    }

    /** The loss gradient at the start by both methods (they must agree: the adjoint's jumps at the doses against forward lanes). */
    public static double[][] startGradients() {
        Tensor data = data();
        SolveOptions o = SolveOptions.defaults().rtol(1e-8).atol(1e-10).saveat(observationTimes());
        Tensor start = Tensor.of(0.5, 0.5, 1.0);
        double[][] g = new double[2][];
        SensitivityAlgorithm[] ms = {new InterpolatingAdjoint(), new ForwardDuals()};
        for (int i = 0; i < 2; i++) {
            SolveOptions om = o.sensealg(ms[i]);
            g[i] = AD.gradient(q -> effect(q, om).minus(data).square().sum(), start).toDoubleArray();
        }
        return g;
    }

    public static void main(String[] argv) {
        Args a = new Args(argv);
        Path out = Path.of(a.get("output", "dosing.png"));
        System.out.println("Oral doses at t = 0, 8, 16 h (PresetTimeCallback), effect E = C/(EC50 + C):");
        double[][] g = startGradients();
        System.out.printf("  loss gradient at the start, InterpolatingAdjoint: [% .8f, % .8f, % .8f]%n", g[0][0], g[0][1], g[0][2]);
        System.out.printf("  loss gradient at the start, ForwardDuals:         [% .8f, % .8f, % .8f]%n", g[1][0], g[1][1], g[1][2]);
        System.out.println("Fit ka, ke and EC50 to 24 noisy effect observations (L-BFGS):");
        List<Fit> fits = fit(a.getInt("iterations", 40), false);

        SolveOptions dense = SolveOptions.defaults().rtol(1e-8).atol(1e-10);
        double[] grid = new double[241];
        for (int i = 0; i < grid.length; i++) grid[i] = 24.0 * i / (grid.length - 1);
        double[] fitted = fits.get(0).theta();
        double[] cTrue = Plots.column(rows(effectCurve(TRUE, dense.saveat(grid))), 0);
        double[] eFit = Plots.column(rows(effectCurve(fitted, dense.saveat(grid))), 1);
        XYChart c = Plots.chart("Repeated doses: drug effect", "t (h)", "effect E");
        Plots.line(c, "E, fitted", grid, eFit);
        Plots.points(c, "observed", observationTimes(), data().toDoubleArray());
        XYChart conc = Plots.chart("Central concentration (true parameters)", "t (h)", "C");
        Plots.line(conc, "C", grid, cTrue);
        System.out.println("plot written to " + Plots.save(out, List.of(c, conc)).toAbsolutePath());
    }

    /** [C, E] at the saved times. */
    static Tensor effectCurve(double[] theta, SolveOptions o) {
        OdeProblem prob = new OdeProblem(PK, Tensor.of(DOSE_AMOUNT, 0.0), 0.0, 24.0, Tensor.of(theta[0], theta[1], DOSE_AMOUNT));
        Tensor c = prob.solve(new Tsit5(), o.callback(DOSES)).u().slice(1, 1, 2);
        return Tensor.concat(1, c, c.div(c.plus(theta[2])));
    }

    static double[][] rows(Tensor m) {
        int n = m.dim(0), k = m.dim(1);
        double[] v = m.toDoubleArray();
        double[][] r = new double[n][k];
        for (int i = 0; i < n; i++) System.arraycopy(v, i * k, r[i], 0, k);
        return r;
    }
}
