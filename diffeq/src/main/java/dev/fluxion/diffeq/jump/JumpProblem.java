package dev.fluxion.diffeq.jump;

import dev.fluxion.diffeq.Callback;
import dev.fluxion.diffeq.DEProblem;
import dev.fluxion.diffeq.OdeAlgorithm;
import dev.fluxion.diffeq.OdeFunction;
import dev.fluxion.diffeq.OdeProblem;
import dev.fluxion.diffeq.OdeSolution;
import dev.fluxion.diffeq.SolveOptions;
import dev.fluxion.diffeq.events.ContinuousCallback;
import dev.fluxion.diffeq.events.Direction;
import dev.fluxion.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A problem with jumps on top of a differential equation (DifferentialEquations.jl's
 * JumpProblem): between jumps the state follows the inner problem (an ODE; zero drift for a pure
 * jump process, {@link #pure}); at random times a jump changes it. The jumps run as callbacks of
 * the inner problem's solve, through the same integrator:
 * {@link ConstantRateJump}s by Gillespie's direct method between steps, {@link VariableRateJump}s
 * by integrating their total rate as an extra state Λ and jumping where Λ crosses an exponential
 * draw (an event located on the interpolant; Λ then restarts from 0 with a new draw).
 *
 * <p>Random numbers come from {@link SolveOptions#seed(long)}: the same seed gives the same path
 * (without one, each solve draws a fresh seed). Other callbacks of the options run too; with
 * variable-rate jumps they see the state with Λ appended as its last component. The solution
 * holds the problem's own states (Λ removed); with variable-rate jumps it has no dense output.
 * Jump solves are not differentiated (their paths are piecewise constant in the parameters).
 */
public final class JumpProblem implements DEProblem<JumpProblem> {
    private final DEProblem<?> prob;
    private final List<Jump> jumps;
    private final List<ConstantRateJump> constant = new ArrayList<>();
    private final List<VariableRateJump> variable = new ArrayList<>();
    /** What the integrator solves: the problem itself, or [u, Λ] with variable-rate jumps (built once, so f is compiled once). */
    private final OdeProblem inner;

    /** The inner problem with jumps on top (an {@link OdeProblem} today; the same for an SDE problem once it has a solve through the integrator). */
    public JumpProblem(DEProblem<?> prob, Jump... jumps) {
        this(prob, List.of(checked(jumps)));
    }

    private JumpProblem(DEProblem<?> prob, List<Jump> jumps) {
        if (prob == null) throw new IllegalArgumentException("JumpProblem needs a problem");
        if (!(prob instanceof OdeProblem)) {
            throw new UnsupportedOperationException("JumpProblem over " + prob.getClass().getSimpleName() + " is not supported yet (an OdeProblem is)");
        }
        this.prob = prob;
        this.jumps = jumps;
        for (Jump j : jumps) {
            if (j instanceof ConstantRateJump c) constant.add(c);
            else if (j instanceof VariableRateJump v) variable.add(v);
        }
        OdeProblem ode = (OdeProblem) prob;
        if (!variable.isEmpty()) {
            if (ode.u0().shape().rank() != 1) {
                throw new IllegalArgumentException("a JumpProblem with VariableRateJumps needs a vector state (got shape " + ode.u0().shape()
                        + "): the integrated rate is appended to it");
            }
            if (ode.massMatrix() != null) throw new UnsupportedOperationException("VariableRateJumps with a mass matrix are not supported");
            this.inner = augmented(ode, variable, ode.u0().size());
        } else {
            this.inner = ode;
        }
    }

    private static Jump[] checked(Jump[] jumps) {
        if (jumps == null || jumps.length == 0) throw new IllegalArgumentException("JumpProblem needs at least one jump");
        for (Jump j : jumps) if (j == null) throw new IllegalArgumentException("JumpProblem: a jump is null");
        return jumps;
    }

    /** A pure jump process (no drift between jumps: DifferentialEquations.jl's DiscreteProblem under a JumpProblem). */
    public static JumpProblem pure(Tensor u0, double t0, double t1, Tensor p, Jump... jumps) {
        return new JumpProblem(new OdeProblem((u, q, t) -> u.times(0.0), u0, t0, t1, p), jumps);
    }

    /** The problem between jumps. */
    public DEProblem<?> problem() { return prob; }

    public List<Jump> jumps() { return jumps; }

    @Override public Tensor u0() { return prob.u0(); }

    @Override public Tensor[] tspan() { return prob.tspan(); }

    @Override public Tensor p() { return prob.p(); }

    @Override public JumpProblem withP(Tensor p) { return new JumpProblem(prob.withP(p), jumps); }

    @Override public JumpProblem withU0(Tensor u0) { return new JumpProblem(prob.withU0(u0), jumps); }

    @Override public JumpProblem withTspan(double t0, double t1) { return new JumpProblem(prob.withTspan(t0, t1), jumps); }

    @Override public JumpProblem withTspan(Tensor t0, Tensor t1) { return new JumpProblem(prob.withTspan(t0, t1), jumps); }

    /** One sample path: the inner problem solved by alg with the jumps as callbacks (seeded by options.seed). */
    public OdeSolution solve(OdeAlgorithm alg, SolveOptions options) {
        if (alg == null || options == null) throw new IllegalArgumentException("solve needs an algorithm and options");
        Tensor[] span = prob.tspan();
        if (!(span[1].valueAt(0) > span[0].valueAt(0))) throw new IllegalArgumentException("a JumpProblem runs forwards in time: t1 must exceed t0");
        long seed = options.seed() != null ? options.seed() : ThreadLocalRandom.current().nextLong();
        SplittableRandom rng = new SplittableRandom(seed);
        List<Callback> extra = new ArrayList<>();
        int n = prob.u0().size();
        if (!constant.isEmpty()) {
            extra.add(variable.isEmpty()
                    ? new DirectMethod(constant, rng, u -> u, (y, u) -> y)
                    : new DirectMethod(constant, rng, u -> u.slice(0, 0, n), (y, u) -> Tensor.concat(0, y, u.slice(0, n, n + 1))));
        }
        if (!variable.isEmpty()) extra.add(variableRateEvent(variable, rng, n));
        Callback[] given = options.callbacks();
        Callback[] all = Arrays.copyOf(given, given.length + extra.size());
        for (int i = 0; i < extra.size(); i++) all[given.length + i] = extra.get(i);
        OdeSolution sol = inner.solve(alg, options.callback(all).sensealg(null));
        if (variable.isEmpty()) return sol;
        List<Tensor> states = new ArrayList<>(sol.size());
        for (int i = 0; i < sol.size(); i++) states.add(sol.u(i).slice(0, 0, n));
        return new OdeSolution(sol.t(), states, sol.retcode(), sol.stats(), null);
    }

    /** [u, Λ] with Λ' = the total rate of the variable-rate jumps. */
    private static OdeProblem augmented(OdeProblem ode, List<VariableRateJump> variable, int n) {
        OdeFunction f = ode.f();
        OdeFunction g = (x, p, t) -> {
            Tensor u = x.slice(0, 0, n);
            Tensor total = null;
            for (VariableRateJump v : variable) {
                Tensor r = v.rate().rate(u, p, t).reshape(1);
                total = total == null ? r : total.plus(r);
            }
            return Tensor.concat(0, f.apply(u, p, t).reshape(n), total);
        };
        Tensor[] span = ode.tspan();
        return new OdeProblem(g, Tensor.concat(0, ode.u0(), Tensor.zeros(1)), span[0], span[1], ode.p());
    }

    /** A jump where Λ reaches the current exponential draw: which one by their rates there; Λ restarts from 0 with a new draw. */
    private static Callback variableRateEvent(List<VariableRateJump> variable, SplittableRandom rng, int n) {
        double[] threshold = {Exponential.draw(rng)};
        return new ContinuousCallback((x, p, t) -> x.get(n).minus(threshold[0]), (x, p, t) -> {
            Tensor u = x.slice(0, 0, n);
            double[] a = new double[variable.size()];
            double a0 = 0;
            for (int j = 0; j < a.length; j++) {
                a[j] = variable.get(j).rate().rate(u.primal(), p == null ? null : p.primal(), t.primal()).item();
                if (!(a[j] >= 0)) throw new IllegalArgumentException("the rate of variable-rate jump " + j + " is " + a[j] + " (rates must be non-negative)");
                a0 += a[j];
            }
            double pick = rng.nextDouble() * a0, acc = 0;
            int j = 0;
            while (j < a.length - 1 && (acc += a[j]) <= pick) j++;
            while (a[j] == 0 && j > 0) j--;
            Tensor y = variable.get(j).affect().apply(u, p, t);
            if (y == null || !y.shape().equals(u.shape())) {
                throw new IllegalArgumentException("the affect of variable-rate jump " + j + " must return the state's shape " + u.shape());
            }
            threshold[0] = Exponential.draw(rng);
            return Tensor.concat(0, y, Tensor.zeros(1));
        }, Direction.UP).named("VariableRateJump");
    }
}
