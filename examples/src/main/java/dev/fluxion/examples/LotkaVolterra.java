package dev.fluxion.examples;

import dev.fluxion.diffeq.OdeFunction;
import dev.fluxion.diffeq.OdeProblem;
import dev.fluxion.diffeq.OdeSolution;
import dev.fluxion.diffeq.SolveOptions;
import dev.fluxion.diffeq.ode.Tsit5;
import dev.fluxion.tensor.Tensor;
import org.knowm.xchart.XYChart;

import java.nio.file.Path;
import java.util.List;

/**
 * The seed's first example: Lotka–Volterra, du1 = p1 u1 − p2 u1 u2, du2 = −p3 u2 + p4 u1 u2 with
 * p = [1.5, 1, 3, 1], u0 = [1, 1] on [0, 10], solved by Tsit5; prints the solution at a few
 * times and plots both populations.
 */
public final class LotkaVolterra {
    private LotkaVolterra() {}

    /** The right-hand side, written in Tensor ops as users write it. */
    public static final OdeFunction F = (u, p, t) -> {
        Tensor x = u.get(0), y = u.get(1);
        return Tensor.stack(p.get(0).times(x).minus(p.get(1).times(x).times(y)),
                p.get(3).times(x).times(y).minus(p.get(2).times(y)));
    };

    public static OdeProblem problem() {
        return new OdeProblem(F, Tensor.of(1.0, 1.0), 0.0, 10.0, Tensor.of(1.5, 1.0, 3.0, 1.0));
    }

    public static void main(String[] argv) {
        Args a = new Args(argv);
        Path out = Path.of(a.get("output", "lotka_volterra.png"));
        OdeSolution sol = problem().solve(new Tsit5(), SolveOptions.defaults().saveat(0.1).dense(true).rtol(1e-8).atol(1e-8));
        System.out.println("Lotka–Volterra, Tsit5 at rtol = atol = 1e-8: " + sol.retcode() + ", " + sol.stats());
        System.out.println("     t      prey   predator");
        for (double t : new double[] {0, 1, 2.5, 5, 7.5, 10}) {
            double[] u = sol.at(t).toDoubleArray();
            System.out.printf("%6.2f  %8.5f  %8.5f%n", t, u[0], u[1]);
        }
        double[][] rows = Spiral.rows(sol.u());
        XYChart c = Plots.chart("Lotka–Volterra (Tsit5)", "t", "population");
        Plots.line(c, "prey u1", sol.t(), Plots.column(rows, 0));
        Plots.line(c, "predator u2", sol.t(), Plots.column(rows, 1));
        System.out.println("plot written to " + Plots.save(out, List.of(c)).toAbsolutePath());
    }
}
