package dev.fluxion.examples.bench;

import dev.fluxion.autodiff.AD;
import dev.fluxion.autodiff.TensorFunction;
import dev.fluxion.diffeq.OdeFunction;
import dev.fluxion.diffeq.OdeProblem;
import dev.fluxion.diffeq.SolveOptions;
import dev.fluxion.diffeq.ode.Tsit5;
import dev.fluxion.diffeq.sensitivity.BacksolveAdjoint;
import dev.fluxion.diffeq.sensitivity.ForwardDuals;
import dev.fluxion.diffeq.sensitivity.ForwardSensitivity;
import dev.fluxion.diffeq.sensitivity.GaussAdjoint;
import dev.fluxion.diffeq.sensitivity.InterpolatingAdjoint;
import dev.fluxion.diffeq.sensitivity.QuadratureAdjoint;
import dev.fluxion.diffeq.sensitivity.ReverseTape;
import dev.fluxion.diffeq.SensitivityAlgorithm;
import dev.fluxion.examples.LotkaVolterra;
import dev.fluxion.nn.Activation;
import dev.fluxion.nn.Chain;
import dev.fluxion.nn.Dense;
import dev.fluxion.nn.Flat;
import dev.fluxion.nn.Layer;
import dev.fluxion.nn.NeuralODE;
import dev.fluxion.optim.Adam;
import dev.fluxion.optim.Progress;
import dev.fluxion.optim.Trainer;
import dev.fluxion.tensor.Tensor;
import org.hipparchus.ode.ExpandableODE;
import org.hipparchus.ode.ODEJacobiansProvider;
import org.hipparchus.ode.ODEState;
import org.hipparchus.ode.ParametersController;
import org.hipparchus.ode.VariationalEquation;
import org.hipparchus.ode.nonstiff.DormandPrince54Integrator;
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

import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Issue #4's gradients: (1) the seed's Lotka–Volterra loss Σ over t = 0:0.1:10 of Σ_i (u_i − 1)²
 * at p = [2.2, 1, 2, 0.4], Tsit5 at rtol = atol = 1e-6, d/dp by every sensitivity method;
 * (2) the spiral neural ODE loss (x → x³, Dense(2, 50, tanh), Dense(50, 2); 30 saved points;
 * rtol 1e-7, atol 1e-9), d/dθ of its 252 parameters, at the seed-0 initial parameters and at the
 * parameters after 300 Adam iterations (where the learned dynamics need about 900 f evaluations
 * per solve, as torchdiffeq's later iterations do). The Lotka–Volterra gradient has a JVM peer in the
 * same run: {@link #lotkaVolterraHipparchusVariational}, Hipparchus's forward sensitivities
 * (VariationalEquation) through DormandPrince54 at the same tolerances.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class GradientBench {
    static SensitivityAlgorithm method(String name) {
        return switch (name) {
            case "ForwardDuals" -> new ForwardDuals();
            case "ForwardSensitivity" -> new ForwardSensitivity();
            case "ReverseTape" -> new ReverseTape();
            case "BacksolveAdjoint" -> new BacksolveAdjoint();
            case "InterpolatingAdjoint" -> new InterpolatingAdjoint();
            case "InterpolatingAdjoint.dense" -> InterpolatingAdjoint.dense();
            case "QuadratureAdjoint" -> new QuadratureAdjoint();
            case "GaussAdjoint" -> new GaussAdjoint();
            default -> throw new IllegalArgumentException(name);
        };
    }

    @State(Scope.Thread)
    public static class LotkaVolterraLoss {
        @Param({"ForwardDuals", "ForwardSensitivity", "ReverseTape", "BacksolveAdjoint", "InterpolatingAdjoint",
                "InterpolatingAdjoint.dense", "QuadratureAdjoint", "GaussAdjoint"})
        public String method;

        Tensor p;
        TensorFunction loss;

        @Setup(Level.Trial)
        public void setUp() {
            p = Tensor.of(2.2, 1.0, 2.0, 0.4);
            SolveOptions o = SolveOptions.defaults().saveat(0.1).rtol(1e-6).atol(1e-6).sensealg(method(method));
            OdeProblem prob = LotkaVolterra.problem();
            loss = q -> prob.remake(q).solve(new Tsit5(), o).u().minus(1.0).square().sum();
        }
    }

    @Benchmark
    public Tensor lotkaVolterra(LotkaVolterraLoss s) {
        return AD.gradient(s.loss, s.p);
    }

    /** The JVM peer of {@link #lotkaVolterra}: Hipparchus's variational equations, DP54 at 1e-6. */
    @Benchmark
    public double[] lotkaVolterraHipparchusVariational() {
        return HipparchusLotkaVolterra.gradient(1e-6);
    }

    /**
     * The Lotka–Volterra loss gradient written for Hipparchus 4 as its users write it: the ODE on
     * double[] with analytic ∂f/∂u and ∂f/∂p (an {@link ODEJacobiansProvider} naming its four
     * parameters), {@link VariationalEquation} appending du/du0 and du/dp to the state, a
     * {@link DormandPrince54Integrator} (step error measured on the primary state only, as
     * Hipparchus does), and a {@link StepNormalizer} sampling the expanded state at 0:0.1:10, where
     * dL/dp accumulates Σ 2(u − 1)ᵀ ∂u/∂p. ({@link ParametersController} is implemented as Hipparchus's
     * parameterised ODEs usually are; the analytic Jacobians make it unused here.) It converges to
     * {@link GradientReport#REFERENCE} (8.6e-11 at 1e-12); at 1e-6, 662 evaluations of the expanded
     * system, it is off by 2.8e-4 relative, the same gradient to 12 digits as forward-mode AD
     * (Hipparchus's Gradient field) through DormandPrince54FieldIntegrator on the same steps.
     */
    public static final class HipparchusLotkaVolterra implements ODEJacobiansProvider, ParametersController {
        static final List<String> NAMES = List.of("p1", "p2", "p3", "p4");

        final double[] p;

        HipparchusLotkaVolterra(double... p) {
            this.p = p.clone();
        }

        @Override public int getDimension() { return 2; }

        @Override public double[] computeDerivatives(double t, double[] u) {
            return new double[] {p[0] * u[0] - p[1] * u[0] * u[1], -p[2] * u[1] + p[3] * u[0] * u[1]};
        }

        @Override public double[][] computeMainStateJacobian(double t, double[] u, double[] uDot) {
            return new double[][] {{p[0] - p[1] * u[1], -p[1] * u[0]}, {p[3] * u[1], -p[2] + p[3] * u[0]}};
        }

        @Override public List<String> getParametersNames() { return NAMES; }

        @Override public boolean isSupported(String name) { return NAMES.contains(name); }

        @Override public double[] computeParameterJacobian(double t, double[] u, double[] uDot, String name) {
            return switch (name) {
                case "p1" -> new double[] {u[0], 0.0};
                case "p2" -> new double[] {-u[0] * u[1], 0.0};
                case "p3" -> new double[] {0.0, -u[1]};
                case "p4" -> new double[] {0.0, u[0] * u[1]};
                default -> throw new IllegalArgumentException(name);
            };
        }

        @Override public double getParameter(String name) { return p[NAMES.indexOf(name)]; }

        @Override public void setParameter(String name, double value) { p[NAMES.indexOf(name)] = value; }

        /** [loss, dL/dp1, …, dL/dp4] at p = [2.2, 1, 2, 0.4], DP54 at rtol = atol = tol. */
        public static double[] gradient(double tol) {
            HipparchusLotkaVolterra ode = new HipparchusLotkaVolterra(2.2, 1.0, 2.0, 0.4);
            ExpandableODE expandable = new ExpandableODE(ode);
            VariationalEquation variational = new VariationalEquation(expandable, ode);
            ODEState initial = variational.setUpInitialState(new ODEState(0.0, new double[] {1.0, 1.0}));
            double[] result = new double[1 + NAMES.size()];
            int[] next = {0};   // the next grid index 0..100 to accumulate (skips a repeated final point)
            DormandPrince54Integrator integrator = new DormandPrince54Integrator(1e-12, 10, tol, tol);
            integrator.addStepHandler(new StepNormalizer(0.1, (state, isLast) -> {
                if ((int) Math.round(state.getTime() * 10) != next[0] || next[0] > 100) return;
                next[0]++;
                double[] u = state.getPrimaryState();
                double r0 = u[0] - 1.0, r1 = u[1] - 1.0;
                result[0] += r0 * r0 + r1 * r1;
                for (int j = 0; j < NAMES.size(); j++) {
                    double[] dudp = variational.extractParameterJacobian(state, NAMES.get(j));
                    result[1 + j] += 2.0 * (r0 * dudp[0] + r1 * dudp[1]);
                }
            }, StepNormalizerMode.MULTIPLES, StepNormalizerBounds.BOTH));
            integrator.integrate(expandable, initial, 10.0);
            if (next[0] != 101) throw new IllegalStateException("sampled " + next[0] + " of 101 points");
            return result;
        }
    }

    @State(Scope.Thread)
    public static class SpiralLoss {
        @Param({"ReverseTape", "BacksolveAdjoint", "InterpolatingAdjoint", "InterpolatingAdjoint.dense", "QuadratureAdjoint", "GaussAdjoint"})
        public String method;

        @Param({"initial", "trained"})
        public String parameters;

        Tensor theta;
        TensorFunction loss;

        @Setup(Level.Trial)
        public void setUp() {
            Spiral s = Spiral.create(0);
            if (parameters.equals("trained")) s.train(300);
            theta = s.flat.flatten();
            SolveOptions o = Spiral.options().sensealg(method(method));
            OdeProblem prob = new OdeProblem(s.f, Tensor.of(2.0, 0.0), 0.0, 1.5, theta);
            loss = q -> prob.remake(q).solve(new Tsit5(), o).u().minus(s.data).square().sum();
        }
    }

    @Benchmark
    public Tensor spiral(SpiralLoss s) {
        return AD.gradient(s.loss, s.theta);
    }

    /** The spiral problem with its model as a right-hand side of explicit parameters. */
    public static final class Spiral {
        final Chain model;
        final Flat flat;
        final OdeFunction f;
        final Tensor data;

        private Spiral(Chain model) {
            this.model = model;
            this.flat = new Flat(model);
            this.f = (u, p, t) -> model.apply(u, flat.unflatten(p));
            this.data = dev.fluxion.examples.SpiralData.data();
        }

        public static Spiral create(long seed) {
            SplittableRandom rng = new SplittableRandom(seed);
            return new Spiral(Chain.of(Layer.of(x -> x.pow(3.0)), new Dense(2, 50, Activation.TANH, rng),
                    new Dense(50, 2, Activation.IDENTITY, rng)));
        }

        public static SolveOptions options() {
            return SolveOptions.defaults().saveat(dev.fluxion.examples.SpiralData.times()).rtol(1e-7).atol(1e-9);
        }

        /** Adam(0.1) for the given iterations, differentiating through the tape (deterministic). */
        public void train(int iterations) {
            NeuralODE node = new NeuralODE(model, 0.0, 1.5, new Tsit5(), options().sensealg(new ReverseTape()));
            Trainer.train(() -> node.apply(Tensor.of(2.0, 0.0)).minus(data).square().sum(), model.parameters(),
                    new Adam(0.1), iterations, (i, l, ps) -> false, Progress.NEVER);
        }
    }
}
