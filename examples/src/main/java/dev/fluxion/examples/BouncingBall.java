package dev.fluxion.examples;

import dev.fluxion.autodiff.AD;
import dev.fluxion.diffeq.OdeFunction;
import dev.fluxion.diffeq.OdeProblem;
import dev.fluxion.diffeq.OdeSolution;
import dev.fluxion.diffeq.SensitivityAlgorithm;
import dev.fluxion.diffeq.SolveOptions;
import dev.fluxion.diffeq.events.ContinuousCallback;
import dev.fluxion.diffeq.events.Direction;
import dev.fluxion.diffeq.events.EventFunction;
import dev.fluxion.diffeq.ode.Tsit5;
import dev.fluxion.diffeq.sensitivity.BacksolveAdjoint;
import dev.fluxion.diffeq.sensitivity.ForwardDuals;
import dev.fluxion.diffeq.sensitivity.InterpolatingAdjoint;
import dev.fluxion.diffeq.sensitivity.ReverseTape;
import dev.fluxion.tensor.Tensor;
import org.knowm.xchart.XYChart;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A ball dropped from height h0 under gravity g bounces with restitution e (a ContinuousCallback
 * where the height crosses zero downwards; the affect v ← −e·v reads e from p). Plots the height
 * over [0, T], then differentiates the height at T with respect to (h0, g, e) through the
 * bounces by four sensitivity methods and compares with central finite differences: the bounce
 * times move with the parameters, and every method follows them.
 */
public final class BouncingBall {
    private BouncingBall() {}

    /** u = [height, velocity], p = [g, e]. */
    public static final OdeFunction FALL = (u, p, t) -> Tensor.stack(u.get(1), p.get(0).unaryMinus());
    public static final EventFunction GROUND = (u, p, t) -> u.get(0);
    public static final EventFunction BOUNCE = (u, p, t) -> Tensor.stack(u.get(0), u.get(1).times(p.get(1)).unaryMinus());
    public static final ContinuousCallback BOUNCES = new ContinuousCallback(GROUND, BOUNCE, Direction.DOWN).named("bounce");
    /** θ = [h0, g, e]. */
    public static final double[] THETA = {1.0, 9.81, 0.8};
    public static final double T = 2.5;

    static OdeProblem problem(Tensor theta) {
        return new OdeProblem(FALL, Tensor.stack(theta.get(0), Tensor.scalar(0.0)), 0.0, T, Tensor.stack(theta.get(1), theta.get(2)));
    }

    static Tensor heightAtT(Tensor theta, SolveOptions o) {
        return problem(theta).solve(new Tsit5(), o.callback(BOUNCES)).last().get(0);
    }

    /** The gradient of the height at T by each method, and by central differences (last entry, "finite differences"). */
    public static Map<String, double[]> gradients(SolveOptions o) {
        Map<String, SensitivityAlgorithm> methods = new LinkedHashMap<>();
        methods.put("ReverseTape", new ReverseTape());
        methods.put("ForwardDuals", new ForwardDuals());
        methods.put("InterpolatingAdjoint", new InterpolatingAdjoint());
        methods.put("BacksolveAdjoint", new BacksolveAdjoint());
        Tensor theta = Tensor.of(THETA);
        Map<String, double[]> out = new LinkedHashMap<>();
        for (var m : methods.entrySet()) {
            SolveOptions om = o.sensealg(m.getValue());
            out.put(m.getKey(), AD.gradient(q -> heightAtT(q, om), theta).toDoubleArray());
        }
        double[] fd = new double[3];
        for (int j = 0; j < 3; j++) {
            double h = 1e-6 * Math.max(1, Math.abs(THETA[j]));
            double[] up = THETA.clone(), dn = THETA.clone();
            up[j] += h;
            dn[j] -= h;
            fd[j] = (heightAtT(Tensor.of(up), o).item() - heightAtT(Tensor.of(dn), o).item()) / (2 * h);
        }
        out.put("finite differences", fd);
        return out;
    }

    public static void main(String[] argv) {
        Args a = new Args(argv);
        Path out = Path.of(a.get("output", "bouncing-ball.png"));
        SolveOptions o = SolveOptions.defaults().rtol(1e-10).atol(1e-10);
        OdeSolution sol = problem(Tensor.of(THETA)).solve(new Tsit5(), o.callback(BOUNCES));
        double[] ts = sol.t();
        System.out.printf("Bouncing ball: h0 = %.2f, g = %.2f, e = %.2f over [0, %.1f]; %d bounces:%n", THETA[0], THETA[1], THETA[2], T,
                countJumps(ts));
        for (int i = 0; i + 1 < ts.length; i++) {
            if (ts[i] == ts[i + 1]) System.out.printf("  t = %.6f  velocity %.4f -> %.4f%n", ts[i], sol.u(i).toDoubleArray()[1], sol.u(i + 1).toDoubleArray()[1]);
        }
        double[] grid = new double[501];
        double[] height = new double[grid.length];
        for (int i = 0; i < grid.length; i++) {
            grid[i] = T * i / (grid.length - 1);
            height[i] = sol.at(grid[i]).toDoubleArray()[0];
        }
        XYChart c = Plots.chart("Bouncing ball (Tsit5, ContinuousCallback)", "t", "height");
        Plots.line(c, "height", grid, height);
        System.out.println("plot written to " + Plots.save(out, List.of(c)).toAbsolutePath());

        System.out.printf("Gradient of the height at T = %.1f with respect to (h0, g, e):%n", T);
        for (var e : gradients(o).entrySet()) {
            double[] g = e.getValue();
            System.out.printf("  %-22s [% .10f, % .10f, % .10f]%n", e.getKey(), g[0], g[1], g[2]);
        }
    }

    static int countJumps(double[] ts) {
        int k = 0;
        for (int i = 0; i + 1 < ts.length; i++) if (ts[i] == ts[i + 1]) k++;
        return k;
    }
}
