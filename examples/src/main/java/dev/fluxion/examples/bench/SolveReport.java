package dev.fluxion.examples.bench;

import dev.fluxion.diffeq.OdeAlgorithm;
import dev.fluxion.diffeq.OdeProblem;
import dev.fluxion.diffeq.OdeSolution;
import dev.fluxion.diffeq.SolveOptions;
import dev.fluxion.diffeq.ode.DP5;
import dev.fluxion.diffeq.ode.Tsit5;
import dev.fluxion.diffeq.ode.Vern7;
import dev.fluxion.diffeq.ode.Vern9;
import dev.fluxion.examples.LorenzBacksolve;
import dev.fluxion.examples.LotkaVolterra;
import dev.fluxion.tensor.Tensor;
import org.hipparchus.ode.nonstiff.DormandPrince54Integrator;
import org.hipparchus.ode.nonstiff.DormandPrince853Integrator;

/**
 * The accuracy side of {@link OdeSolveBench}: f evaluations and the error |u(10) − ref| of LV
 * against testdata/reference/lotka_volterra.json, and f evaluations for Lorenz, per method and
 * tolerance. {@code java -cp examples/target/benchmarks.jar dev.fluxion.examples.bench.SolveReport}
 */
public final class SolveReport {
    private SolveReport() {}

    public static void main(String[] args) {
        double[] ref = {1.0263447675750283, 0.9096910781362759};   // lotka_volterra.json at t = 10
        OdeProblem lv = LotkaVolterra.problem();
        OdeProblem lorenz = new OdeProblem(LorenzBacksolve.F, Tensor.of(1.0, 0.0, 0.0), 0.0, 100.0, Tensor.of(10.0, 28.0, 8.0 / 3.0));
        System.out.println("| solver | rtol = atol | LV f evals | LV |u(10) − ref| | Lorenz f evals |");
        System.out.println("| --- | --- | --- | --- | --- |");
        for (double tol : new double[] {1e-6, 1e-8}) {
            for (OdeAlgorithm alg : new OdeAlgorithm[] {new Tsit5(), new DP5(), new Vern7(), new Vern9()}) {
                OdeSolution a = lv.solve(alg, SolveOptions.defaults().saveat(0.1).rtol(tol).atol(tol));
                OdeSolution b = lorenz.solve(alg, SolveOptions.defaults().saveEverystep(false).rtol(tol).atol(tol));
                double[] u = a.last().toDoubleArray();
                System.out.printf("| Fluxion %s | %.0e | %d | %.1e | %d |%n", alg.name(), tol, a.stats().functionEvaluations(),
                        Math.hypot(u[0] - ref[0], u[1] - ref[1]), b.stats().functionEvaluations());
            }
            double[] u54 = OdeSolveBench.Hipparchus.lotkaVolterra(new DormandPrince54Integrator(1e-12, 10, tol, tol));
            double[] u853 = OdeSolveBench.Hipparchus.lotkaVolterra(new DormandPrince853Integrator(1e-12, 10, tol, tol));
            System.out.printf("| Hipparchus DormandPrince54 | %.0e | %d | %.1e | %d |%n", tol,
                    OdeSolveBench.Hipparchus.evaluations(new DormandPrince54Integrator(1e-12, 10, tol, tol), false),
                    Math.hypot(u54[0] - ref[0], u54[1] - ref[1]),
                    OdeSolveBench.Hipparchus.evaluations(new DormandPrince54Integrator(1e-12, 100, tol, tol), true));
            System.out.printf("| Hipparchus DormandPrince853 | %.0e | %d | %.1e | %d |%n", tol,
                    OdeSolveBench.Hipparchus.evaluations(new DormandPrince853Integrator(1e-12, 10, tol, tol), false),
                    Math.hypot(u853[0] - ref[0], u853[1] - ref[1]),
                    OdeSolveBench.Hipparchus.evaluations(new DormandPrince853Integrator(1e-12, 100, tol, tol), true));
        }
    }
}
