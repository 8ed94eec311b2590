package dev.fluxion.diffeq.sensitivity;

import dev.fluxion.autodiff.CompiledFunction;
import dev.fluxion.diffeq.Callback;
import dev.fluxion.diffeq.DenseOutput;
import dev.fluxion.diffeq.ErrorNorm;
import dev.fluxion.diffeq.FlatRhs;
import dev.fluxion.diffeq.FlatStateOps;
import dev.fluxion.diffeq.OdeAlgorithm;
import dev.fluxion.diffeq.OdeFunction;
import dev.fluxion.diffeq.OdeSolution;
import dev.fluxion.diffeq.ReturnCode;
import dev.fluxion.diffeq.Solve;
import dev.fluxion.diffeq.SolveOptions;
import dev.fluxion.diffeq.SolveSpec;
import dev.fluxion.diffeq.Step;
import dev.fluxion.diffeq.events.EventRecord;
import dev.fluxion.tensor.LuDecomposition;
import dev.fluxion.tensor.Shape;
import dev.fluxion.tensor.Tensor;

import java.util.Arrays;
import java.util.List;

/**
 * The backward passes of the adjoint methods (Pontryagin; Cao, Li, Petzold & Serban 2003; Chen et
 * al. 2018; SciMLSensitivity's adjoint equations). For a loss whose cotangent at the saved states
 * u(τ_k) is c_k, the adjoint λ solves λ' = −(∂f/∂u)ᵀλ backwards from the last saved time with a
 * jump λ += c_k at every saved time, and the parameter gradient is μ = ∫ λᵀ ∂f/∂p dt over
 * [t0, τ_last]; then dL/du0 = λ(t0), dL/dp = μ. Every backward solve uses the forward method and
 * tolerances, on flat arrays, with f's compiled VJP program. At each event of the forward solve
 * λ and μ jump ({@link EventJump}); {@link AdjointSweep} orders the pieces, cotangents and jumps.
 * When the forward method is implicit (a stiff solve) the backward systems are stiff too and get
 * their exact Jacobians from {@link AdjointJacobians}, so the same method integrates them; with a
 * constant, nonsingular mass matrix M they integrate ν = Mᵀλ (see there), whose jumps and end value
 * are those written here for λ.
 */
final class Adjoint {
    private final SolveSpec spec;
    private final OdeFunction f;
    private final CompiledFunction cf;
    private final OdeAlgorithm alg;
    private final SolveOptions o;
    private final SolveOptions backward;
    private final Tensor p;
    private final double t0;
    private final Shape uShape;
    private final int n;
    private final int np;
    private final VjpEvaluator vjp;
    /** The LU of the mass matrix M, or null for the identity. */
    private final LuDecomposition massLu;
    /** The backward systems' Jacobians, for an implicit method; null for explicit ones. */
    private final AdjointJacobians stiff;
    private ReturnCode retcode = ReturnCode.SUCCESS;
    private int backwardSteps;
    private final BackwardStepControl steps;
    /** BacksolveAdjoint's own backward re-solves of u on a stiff problem carry their step here. */
    private double backsolveDt = Double.NaN;

    /** The events of the forward solve, in order (its event callbacks recorded them). */
    private final List<EventRecord> events;

    /**
     * The adjoint of spec's solve (primal u0 and p), whose forward solve handled these events, its
     * backward steps controlled by the given norm.
     */
    Adjoint(SolveSpec spec, List<EventRecord> events, AdjointNorm norm) {
        this.events = events;
        this.spec = spec;
        this.steps = new BackwardStepControl(norm);
        this.massLu = massLu(spec);
        if (massLu != null && !events.isEmpty()) {
            // EventJump's formulas are written for λ; with a mass matrix the sweep carries ν = Mᵀλ
            throw new UnsupportedOperationException("the adjoint methods do not handle events on a problem with a mass matrix yet; "
                    + "use ForwardDuals or ReverseTape");
        }
        this.f = spec.term()::evaluate;
        this.cf = spec.compiled();
        this.alg = spec.alg();
        this.o = spec.options();
        this.p = spec.p();
        this.t0 = spec.t0();
        this.uShape = spec.u0().shape();
        this.n = uShape.size();
        this.np = p.size();
        this.vjp = new VjpEvaluator(f, cf, p, uShape, true, true);
        this.stiff = alg.implicit() ? new AdjointJacobians(spec, vjp, massLu) : null;
        double atol = ErrorNorm.of(o, spec.u0()).atol();
        this.backward = SolveOptions.defaults().rtol(o.rtol()).atol(atol).saveEverystep(false)
                .maxiters(o.maxiters()).dtmax(o.dtmax()).tstops(o.tstops());
    }

    /**
     * The LU of spec's mass matrix, or null without one; a singular M (a differential-algebraic
     * system) is refused by name: its adjoint has algebraic parts with their own consistent
     * initialisation, which these adjoints do not implement.
     */
    static LuDecomposition massLu(SolveSpec spec) {
        Tensor m = spec.term().mass();
        if (m == null) return null;
        LuDecomposition lu = LuDecomposition.factor(m.unsafeData(), m.shape().dim(0));
        if (lu.isSingular()) {
            throw new UnsupportedOperationException("the adjoint methods need a nonsingular mass matrix; this one is singular "
                    + "(a differential-algebraic system, whose adjoint has algebraic parts): use ForwardDuals or ReverseTape");
        }
        return lu;
    }

    /** λ = M⁻ᵀ ν from the adjoint state's part at offset (a copy; ν itself without a mass matrix). */
    private double[] lambdaOf(double[] x, int offset, double[] into) {
        System.arraycopy(x, offset, into, 0, n);
        if (massLu != null) massLu.solveTransposed(into);
        return into;
    }

    /**
     * Starts the first backward solve with step dt (the forward solve's last step) rather than the
     * initial-step heuristic. For a stiff solve this matters: the heuristic sizes the first step
     * from the adjoint's derivative, which is large, and BacksolveAdjoint's u, integrated
     * backwards, grows along the fast modes unless the steps are long enough for the L-stable
     * method to damp them (|hλ| ≫ 1); the forward solve's step at its end is such a step.
     */
    Adjoint startingStep(double dt) {
        if (Double.isFinite(dt) && dt != 0.0) {
            steps.seed(dt);
            backsolveDt = dt;
        }
        return this;
    }

    /** Starts the backward solves (and checkpoint re-solves) with the forward solve's proposed step instead of probing. */
    Adjoint seedStep(double forwardNextStep) {
        steps.seed(forwardNextStep);
        return this;
    }

    /** SUCCESS unless a backward solve failed (the gradient is then NaN). */
    ReturnCode retcode() { return retcode; }


    int backwardSteps() { return backwardSteps; }

    private double[] lambda;
    private double[] mu;

    /** The jump-and-integrate loop shared by every method ({@link AdjointSweep}); returns {dL/du0, dL/dp}. */
    private double[][] sweep(double[] ts, double[][] ys, double[][] ct, double[] u0, AdjointSweep.Piece piece) {
        lambda = new double[n];
        mu = new double[np];
        AdjointSweep.run(ts, ys, ct, t0, u0, Math.signum(spec.t1() - t0), events, lambda, piece,
                (r, cMinus) -> EventJump.apply(spec.term(), p, uShape, r, lambda, mu, cMinus), retcode::successful);
        return retcode.successful() ? new double[][] {lambda, mu} : nan();
    }

    private double[][] nan() {
        double[] a = new double[n], b = new double[np];
        Arrays.fill(a, Double.NaN);
        Arrays.fill(b, Double.NaN);
        return new double[][] {a, b};
    }

    /**
     * Solves dx/dt = rhs backwards from tCur to tPrev and returns x(tPrev), optionally keeping
     * dense output, with callbacks (a quadrature along the steps) when given. Components from
     * active on are passive (μ: integrated, never read by rhs); step control reads what
     * {@link BackwardStepControl} says, and starts from the step the previous segment proposed.
     */
    private OdeSolution solveBackward(FlatRhs rhs, FlatStateOps.JacobianSource jacobian, double[] x0, int active, double tCur, double tPrev,
                                      boolean dense, Callback... callbacks) {
        FlatStateOps ops = new FlatStateOps(rhs, Shape.of(x0.length), steps.normLength(x0.length, active), active);
        if (stiff != null) ops.withJacobianSource(jacobian);
        SolveOptions opts = steps.backward(dense ? backward.dense(true) : backward, tCur, tPrev);
        if (callbacks.length > 0) opts = opts.callback(callbacks);
        ErrorNorm norm = new ErrorNorm(opts.rtol(), opts.atol(), null);
        OdeSolution sol = Solve.run(alg.stepper(ops), x0, ops.eval(x0, tCur), alg, tCur, tPrev, opts, norm);
        backwardSteps += sol.stats().acceptedSteps();
        steps.backwardDone(sol);
        if (!sol.retcode().successful()) retcode = sol.retcode();
        return sol;
    }

    /** A forward re-solve of [a, b] from u(a) with dense output (a checkpoint interval), once per interval. */
    private DenseOutput<?, ?> resolve(double[] ua, double a, double b) {
        // no callbacks: the sweep's pieces end at the forward solve's events, which it handles itself
        SolveOptions opts = steps.resolve(o.withoutSaveat().saveEverystep(false).dense(true).saveStart(false).saveEnd(true).sensealg(null)
                .callback(), a, b);
        OdeSolution sol = spec.withInputs(Tensor.unsafeWrap(uShape, ua.clone()), p).withSpan(a, b).withOptions(opts).integrate();
        if (!sol.retcode().successful()) retcode = sol.retcode();
        steps.resolveDone(sol);
        return sol.denseOutput();
    }

    /**
     * λ' = −(∂f/∂u)ᵀλ and μ' = −(∂f/∂p)ᵀλ on x = [λ, μ], u(t) from a dense output. The VJP is
     * linear in its cotangent, so it is taken of −λ and written straight into the derivative.
     */
    private FlatRhs lambdaMu(PieceStates u) {
        double[] negLambda = new double[n];
        return (x, t) -> {
            lambdaOf(x, 0, negLambda);
            for (int i = 0; i < n; i++) negLambda[i] = -negLambda[i];
            double[] d = new double[n + np];
            vjp.eval(u.at(t), t, negLambda, null, 0, d, 0, d, n);
            return d;
        };
    }

    private void integrateLambdaMu(PieceStates u, double tCur, double tPrev) {
        double[] x = new double[n + np];
        System.arraycopy(lambda, 0, x, 0, n);
        System.arraycopy(mu, 0, x, n, np);
        double[] end = solveBackward(lambdaMu(u), stiff == null ? null : stiff.lambdaMu(u, true), x, n, tCur, tPrev, false)
                .last().unsafeData();
        System.arraycopy(end, 0, lambda, 0, n);
        System.arraycopy(end, n, mu, 0, np);
    }

    // ------------------------------------------------------------------ InterpolatingAdjoint

    /**
     * With checkpoints: the forward solve is re-run from a saved state with dense output, then the
     * adjoint crosses the intervals it covers. Without: the forward dense output.
     */
    double[][] interpolating(double[] ts, double[][] ys, double[][] ct, double[] u0, DenseOutput<?, ?> dense) {
        return sweep(ts, ys, ct, u0, (tCur, tPrev, uUpper, eventAtUpper, uLower) -> {
            DenseOutput<?, ?> u = dense != null ? dense : checkpointed(ts, ys, u0, tCur, tPrev, uLower);
            if (retcode.successful()) integrateLambdaMu(new PieceStates(u, tPrev, uLower, tCur, uUpper), tCur, tPrev);
        });
    }

    /** The current re-solved chunk: its dense output and the index of its first interval. */
    private DenseOutput<?, ?> chunk;
    private int chunkFirst = -1, chunkEnd = -1;

    /**
     * The dense output over the piece [tPrev, tCur] re-solved from a checkpoint. Without events the
     * pieces are the intervals between saved times and the forward solution has no jumps, so one
     * re-solve may cover several intervals, starting at the earliest checkpoint within one carried
     * forward step of tCur (at least the interval's own), and serve each of them in turn; each
     * forward stretch is re-solved once, and memory holds one chunk's steps (about one forward
     * step), not the whole dense output. With events a piece ends at an event and is re-solved on
     * its own from the state on its side (uLower).
     */
    private DenseOutput<?, ?> checkpointed(double[] ts, double[][] ys, double[] u0, double tCur, double tPrev, double[] uLower) {
        if (!events.isEmpty()) return resolve(uLower, tPrev, tCur);
        int k = ts.length - 1;
        while (k >= 0 && ts[k] != tCur) k--;
        if (k < 0) return resolve(uLower, tPrev, tCur);
        if (chunk != null && chunkFirst <= k && k < chunkEnd) return chunk;
        double reach = steps.resolveReach();
        int j = k;
        while (j > 0 && Math.abs(ts[k] - start(ts, j - 1)) <= reach) j--;   // abs: spans may run backwards in time
        chunk = resolve(j > 0 ? ys[j - 1] : u0, start(ts, j), ts[k]);
        chunkFirst = j;
        chunkEnd = k + 1;
        return chunk;
    }

    /** Where interval i starts: the saved time before it, or t0. */
    private double start(double[] ts, int i) { return i > 0 ? ts[i - 1] : t0; }

    // ------------------------------------------------------------------ BacksolveAdjoint

    /**
     * u reconstructed backwards with the adjoint: x = [u, λ, μ]; reset to the saved state at every
     * saved time if checkpointing, and to the state before the jump at every event (an affect need
     * not be invertible).
     *
     * <p>For an implicit (stiff) method u is reconstructed by a backward solve of its own over each
     * segment, with dense output, and λ, μ are integrated on it. Integrated backwards, a stiff
     * system's fast modes grow like e^{|λ|·|t|}; an L-stable method damps them only with steps much
     * longer than 1/|λ|, which u alone can take (it stays on the slow manifold), but the adjoint
     * cannot right after a jump c_k (λ relaxes through a fast transient of its own), and shared
     * steps would let u blow up there. Memory grows with one segment's backward steps.
     */
    double[][] backsolve(double[] ts, double[][] ys, double[][] ct, double[] u0, boolean checkpointing, double[] reconstructed) {
        if (stiff != null) return backsolveSplit(ts, ys, ct, u0, checkpointing, reconstructed);
        double[] u = ys.length == 0 ? new double[n] : ys[ys.length - 1].clone();
        double[] uu = new double[n], negLambda = new double[n];
        FlatRhs rhs = (x, t) -> {
            System.arraycopy(x, 0, uu, 0, n);
            lambdaOf(x, n, negLambda);
            for (int i = 0; i < n; i++) negLambda[i] = -negLambda[i];
            double[] d = new double[2 * n + np];
            vjp.eval(uu, t, negLambda, d, 0, d, n, d, 2 * n);
            if (massLu != null) {   // u' = M⁻¹ f
                double[] fu = java.util.Arrays.copyOf(d, n);
                massLu.solve(fu);
                System.arraycopy(fu, 0, d, 0, n);
            }
            return d;
        };
        double[][] g = sweep(ts, ys, ct, u0, (tCur, tPrev, uUpper, eventAtUpper, uLower) -> {
            if (checkpointing || eventAtUpper) System.arraycopy(uUpper, 0, u, 0, n);
            double[] x = new double[2 * n + np];
            System.arraycopy(u, 0, x, 0, n);
            System.arraycopy(lambda, 0, x, n, n);
            System.arraycopy(mu, 0, x, 2 * n, np);
            double[] end = solveBackward(rhs, null, x, 2 * n, tCur, tPrev, false).last().unsafeData();
            System.arraycopy(end, 0, u, 0, n);
            System.arraycopy(end, n, lambda, 0, n);
            System.arraycopy(end, 2 * n, mu, 0, np);
        });
        if (reconstructed != null) System.arraycopy(u, 0, reconstructed, 0, n);
        return g;
    }

    private double[][] backsolveSplit(double[] ts, double[][] ys, double[][] ct, double[] u0, boolean checkpointing, double[] reconstructed) {
        double[] u = ys.length == 0 ? new double[n] : ys[ys.length - 1].clone();
        double[][] g = sweep(ts, ys, ct, u0, (tCur, tPrev, uUpper, eventAtUpper, uLower) -> {
            if (checkpointing || eventAtUpper) System.arraycopy(uUpper, 0, u, 0, n);
            SolveOptions opts = o.withoutSaveat().saveEverystep(false).dense(true).saveStart(false).saveEnd(true).sensealg(null)
                    .callback();
            if (Double.isFinite(backsolveDt)) opts = opts.dt(Math.min(Math.abs(backsolveDt), Math.abs(tCur - tPrev)));
            OdeSolution back = spec.withInputs(Tensor.unsafeWrap(uShape, u.clone()), p).withSpan(tCur, tPrev).withOptions(opts).integrate();
            backwardSteps += back.stats().acceptedSteps();
            if (Double.isFinite(back.lastStep())) backsolveDt = back.lastStep();
            if (!back.retcode().successful()) {
                retcode = back.retcode();
                return;
            }
            integrateLambdaMu(PieceStates.of(back.denseOutput()), tCur, tPrev);
            System.arraycopy(back.last().unsafeData(), 0, u, 0, n);
        });
        if (reconstructed != null) System.arraycopy(u, 0, reconstructed, 0, n);
        return g;
    }

    // ------------------------------------------------------------------ QuadratureAdjoint, GaussAdjoint

    /** λ' = −(∂f/∂u)ᵀλ alone (ν with a mass matrix), u(t) from the piece's forward states in holder[0]. */
    private FlatRhs lambdaOnly(PieceStates[] holder) {
        double[] gu = new double[n];
        VjpEvaluator lambdaOnly = new VjpEvaluator(f, cf, p, uShape, true, false);
        double[] lamScratch = new double[n];
        return (x, t) -> {
            lambdaOnly.eval(holder[0].at(t), t, lambdaOf(x, 0, lamScratch), null, gu, null);
            double[] d = new double[n];
            for (int i = 0; i < n; i++) d[i] = -gu[i];
            return d;
        };
    }

    /**
     * λ alone backwards with dense output, then μ = ∫ λᵀ ∂f/∂p dt over each λ step: by one
     * Gauss–Legendre rule of the method's order on the step's dense output when gk is null, else by
     * adaptive Gauss–Kronrod (7, 15) to the given tolerances (tightened to the solve's).
     */
    double[][] quadrature(double[] ts, double[][] ys, double[][] ct, double[] u0, DenseOutput<?, ?> dense, double[] gk) {
        PieceStates[] states = {PieceStates.of(dense)};
        FlatRhs rhs = lambdaOnly(states);
        VjpEvaluator paramsOnly = new VjpEvaluator(f, cf, p, uShape, false, true);
        GaussLegendre rule = GaussLegendre.forOrder(alg.order());
        double[] g = new double[np], lamAt = new double[n];
        return sweep(ts, ys, ct, u0, (tCur, tPrev, uUpper, eventAtUpper, uLower) -> {
            states[0] = new PieceStates(dense, tPrev, uLower, tCur, uUpper);
            OdeSolution lam = solveBackward(rhs, stiff == null ? null : stiff.lambdaMu(states[0], false), lambda.clone(), n, tCur, tPrev, true);
            if (!retcode.successful()) return;
            DenseOutput<?, ?> l = lam.denseOutput();
            for (Step<?, ?> s : l.steps()) {
                // the step runs from s.t towards tPrev; μ gains ∫ from its end to its start
                double a = s.tEnd(), b = s.t;
                if (gk == null) {
                    for (int i = 0; i < rule.nodes(); i++) {
                        double tau = rule.node(i, a, b);
                        paramsOnly.eval(states[0].at(tau), tau, lambdaOf(l.valuesAt(tau), 0, lamAt), null, null, g);
                        double w = rule.weight(i, a, b);
                        for (int j = 0; j < np; j++) mu[j] += w * g[j];
                    }
                } else {
                    GaussKronrod.Integrand integrand = t -> {
                        double[] out = new double[np];
                        paramsOnly.eval(states[0].at(t), t, lambdaOf(l.valuesAt(t), 0, new double[n]), null, null, out);
                        return out;
                    };
                    double atol = Math.min(gk[0], backward.atol()), rtol = Math.min(gk[1], backward.rtol());
                    double sign = Math.signum(b - a);
                    double[] piece = GaussKronrod.integrate(integrand, Math.min(a, b), Math.max(a, b), np, atol, rtol, 12);
                    for (int j = 0; j < np; j++) mu[j] += sign * piece[j];
                }
            }
            System.arraycopy(lam.last().unsafeData(), 0, lambda, 0, n);
        });
    }

    /**
     * GaussAdjoint: λ alone backwards (no dense output kept), and after each accepted λ step a
     * callback adds that step's ∫ λᵀ ∂f/∂p dt by one Gauss–Legendre rule of the method's order,
     * λ at the nodes from the step's interpolant and u from the forward dense output.
     */
    double[][] gauss(double[] ts, double[][] ys, double[][] ct, double[] u0, DenseOutput<?, ?> dense) {
        PieceStates[] states = {PieceStates.of(dense)};
        FlatRhs rhs = lambdaOnly(states);
        VjpEvaluator paramsOnly = new VjpEvaluator(f, cf, p, uShape, false, true);
        GaussLegendre rule = GaussLegendre.forOrder(alg.order());
        double[] g = new double[np], lamAt = new double[n];
        Callback accumulate = s -> {
            double a = s.t(), b = s.tPrev();   // the step ran from b back to a
            for (int i = 0; i < rule.nodes(); i++) {
                double tau = rule.node(i, a, b);
                paramsOnly.eval(states[0].at(tau), tau, lambdaOf(s.interpolate(tau).unsafeData(), 0, lamAt), null, null, g);
                double w = rule.weight(i, a, b);
                for (int j = 0; j < np; j++) mu[j] += w * g[j];
            }
        };
        return sweep(ts, ys, ct, u0, (tCur, tPrev, uUpper, eventAtUpper, uLower) -> {
            states[0] = new PieceStates(dense, tPrev, uLower, tCur, uUpper);
            OdeSolution lam = solveBackward(rhs, stiff == null ? null : stiff.lambdaMu(states[0], false), lambda.clone(), n, tCur, tPrev,
                    false, accumulate);
            if (retcode.successful()) System.arraycopy(lam.last().unsafeData(), 0, lambda, 0, n);
        });
    }
}
