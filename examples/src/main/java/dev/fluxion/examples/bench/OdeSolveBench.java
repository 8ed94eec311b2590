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
import org.hipparchus.ode.ODEState;
import org.hipparchus.ode.OrdinaryDifferentialEquation;
import org.hipparchus.ode.nonstiff.AdaptiveStepsizeIntegrator;
import org.hipparchus.ode.nonstiff.DormandPrince54Integrator;
import org.hipparchus.ode.nonstiff.DormandPrince853Integrator;
import org.hipparchus.ode.sampling.ODEStepHandler;
import org.hipparchus.ode.sampling.StepNormalizer;
import org.hipparchus.ode.sampling.StepNormalizerBounds;
import org.hipparchus.ode.sampling.StepNormalizerMode;
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
 * Issue #3's side-by-side: Lotka–Volterra over [0, 10] saved every 0.1 and Lorenz over [0, 100]
 * (final value), at rtol = atol = 1e-6 and 1e-8, Fluxion's Tsit5, DP5, Vern7 and Vern9 against
 * Hipparchus's DormandPrince54Integrator and DormandPrince853Integrator in the same run. Errors
 * and f-evaluation counts are printed by {@link SolveReport}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class OdeSolveBench {
    @Param({"1e-6", "1e-8"})
    public double tol;

    OdeProblem lv, lorenz;
    SolveOptions lvOptions, lorenzOptions;

    @Setup(Level.Trial)
    public void setUp() {
        lv = LotkaVolterra.problem();
        lorenz = new OdeProblem(LorenzBacksolve.F, Tensor.of(1.0, 0.0, 0.0), 0.0, 100.0, Tensor.of(10.0, 28.0, 8.0 / 3.0));
        lvOptions = SolveOptions.defaults().saveat(0.1).rtol(tol).atol(tol);
        lorenzOptions = SolveOptions.defaults().saveEverystep(false).rtol(tol).atol(tol);
    }

    // ---- Lotka–Volterra, saveat 0.1

    @Benchmark public OdeSolution lvTsit5() { return lv.solve(new Tsit5(), lvOptions); }

    @Benchmark public OdeSolution lvDP5() { return lv.solve(new DP5(), lvOptions); }

    @Benchmark public OdeSolution lvVern7() { return lv.solve(new Vern7(), lvOptions); }

    @Benchmark public OdeSolution lvVern9() { return lv.solve(new Vern9(), lvOptions); }

    @Benchmark public double[] lvHipparchusDP54() { return Hipparchus.lotkaVolterra(new DormandPrince54Integrator(1e-12, 10, tol, tol)); }

    @Benchmark public double[] lvHipparchusDP853() { return Hipparchus.lotkaVolterra(new DormandPrince853Integrator(1e-12, 10, tol, tol)); }

    // ---- Lorenz, final value

    @Benchmark public OdeSolution lorenzTsit5() { return lorenz.solve(new Tsit5(), lorenzOptions); }

    @Benchmark public OdeSolution lorenzDP5() { return lorenz.solve(new DP5(), lorenzOptions); }

    @Benchmark public OdeSolution lorenzVern7() { return lorenz.solve(new Vern7(), lorenzOptions); }

    @Benchmark public OdeSolution lorenzVern9() { return lorenz.solve(new Vern9(), lorenzOptions); }

    @Benchmark public double[] lorenzHipparchusDP54() { return Hipparchus.lorenz(new DormandPrince54Integrator(1e-12, 100, tol, tol)); }

    @Benchmark public double[] lorenzHipparchusDP853() { return Hipparchus.lorenz(new DormandPrince853Integrator(1e-12, 100, tol, tol)); }

    /** The same problems written for Hipparchus on double[], as its users write them. */
    public static final class Hipparchus {
        private Hipparchus() {}

        static final OrdinaryDifferentialEquation LV = new OrdinaryDifferentialEquation() {
            @Override public int getDimension() { return 2; }

            @Override public double[] computeDerivatives(double t, double[] u) {
                return new double[] {1.5 * u[0] - 1.0 * u[0] * u[1], -3.0 * u[1] + 1.0 * u[0] * u[1]};
            }
        };

        static final OrdinaryDifferentialEquation LORENZ = new OrdinaryDifferentialEquation() {
            @Override public int getDimension() { return 3; }

            @Override public double[] computeDerivatives(double t, double[] u) {
                return new double[] {10.0 * (u[1] - u[0]), u[0] * (28.0 - u[2]) - u[1], u[0] * u[1] - 8.0 / 3.0 * u[2]};
            }
        };

        /** LV over [0, 10], dense output sampled every 0.1 (as the peers measured it); returns u(10). */
        public static double[] lotkaVolterra(AdaptiveStepsizeIntegrator integrator) {
            double[][] saved = new double[101][];
            int[] k = {0};
            ODEStepHandler sampler = new StepNormalizer(0.1, (state, isLast) -> {
                if (k[0] < saved.length) saved[k[0]++] = state.getPrimaryState().clone();
            }, StepNormalizerMode.MULTIPLES, StepNormalizerBounds.BOTH);
            integrator.addStepHandler(sampler);
            return integrator.integrate(LV, new ODEState(0.0, new double[] {1.0, 1.0}), 10.0).getPrimaryState();
        }

        /** Lorenz over [0, 100]; returns u(100). */
        public static double[] lorenz(AdaptiveStepsizeIntegrator integrator) {
            return integrator.integrate(LORENZ, new ODEState(0.0, new double[] {1.0, 0.0, 0.0}), 100.0).getPrimaryState();
        }

        /** f evaluations of a fresh integrator after one solve. */
        public static int evaluations(AdaptiveStepsizeIntegrator integrator, boolean lorenz) {
            if (lorenz) lorenz(integrator);
            else lotkaVolterra(integrator);
            return integrator.getEvaluations();
        }
    }
}
