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
import dev.fluxion.tensor.Shape;
import dev.fluxion.tensor.Tensor;

import java.util.Arrays;

/**
 * The backward passes of the adjoint methods (Pontryagin; Cao, Li, Petzold & Serban 2003; Chen et
 * al. 2018; SciMLSensitivity's adjoint equations). For a loss whose cotangent at the saved states
 * u(τ_k) is c_k, the adjoint λ solves λ' = −(∂f/∂u)ᵀλ backwards from the last saved time with a
 * jump λ += c_k at every saved time, and the parameter gradient is μ = ∫ λᵀ ∂f/∂p dt over
 * [t0, τ_last]; then dL/du0 = λ(t0), dL/dp = μ. Every backward solve uses the forward method and
 * tolerances, on flat arrays, with f's compiled VJP program.
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
    private ReturnCode retcode = ReturnCode.SUCCESS;
    private int backwardSteps;
    private final BackwardStepControl steps;

    /** The adjoint of spec's solve (primal u0 and p), with the seminorm's step control. */
    Adjoint(SolveSpec spec) { this(spec, AdjointNorm.SEMINORM); }

    /** The adjoint of spec's solve (primal u0 and p), its backward steps controlled by the given norm. */
    Adjoint(SolveSpec spec, AdjointNorm norm) {
        this.spec = spec;
        this.steps = new BackwardStepControl(norm);
        if (spec.term().mass() != null) {
            throw new UnsupportedOperationException("adjoint sensitivities of a problem with a mass matrix are not implemented yet; use ReverseTape");
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
        double atol = ErrorNorm.of(o, spec.u0()).atol();
        this.backward = SolveOptions.defaults().rtol(o.rtol()).atol(atol).saveEverystep(false)
                .maxiters(o.maxiters()).dtmax(o.dtmax()).tstops(o.tstops());
    }

    /** Starts the backward solves (and checkpoint re-solves) with the forward solve's proposed step instead of probing. */
    Adjoint seedStep(double forwardNextStep) {
        steps.seed(forwardNextStep);
        return this;
    }

    /** SUCCESS unless a backward solve failed (the gradient is then NaN). */
    ReturnCode retcode() { return retcode; }


    int backwardSteps() { return backwardSteps; }

    /** A segment's work: integrate from tCur back to tPrev, updating the adjoint state in place. */
    private interface Segment {
        void run(int k, double tCur, double tPrev);
    }

    private double[] lambda;
    private double[] mu;

    /** The jump-and-integrate loop shared by every method; returns {dL/du0, dL/dp}. */
    private double[][] sweep(double[] ts, double[][] ct, Segment segment) {
        lambda = new double[n];
        mu = new double[np];
        int m = ts.length;
        if (m == 0) return new double[][] {lambda, mu};
        add(lambda, ct[m - 1]);
        double tCur = ts[m - 1];
        for (int k = m - 1; k >= 0; k--) {
            double tPrev = k > 0 ? ts[k - 1] : t0;
            if (tPrev != tCur) segment.run(k, tCur, tPrev);
            if (!retcode.successful()) return nan();
            if (k > 0) add(lambda, ct[k - 1]);
            tCur = tPrev;
        }
        return new double[][] {lambda, mu};
    }

    private double[][] nan() {
        double[] a = new double[n], b = new double[np];
        Arrays.fill(a, Double.NaN);
        Arrays.fill(b, Double.NaN);
        return new double[][] {a, b};
    }

    private static void add(double[] acc, double[] x) {
        for (int i = 0; i < acc.length; i++) acc[i] += x[i];
    }

    /**
     * Solves dx/dt = rhs backwards from tCur to tPrev and returns x(tPrev), optionally keeping
     * dense output, with callbacks (a quadrature along the steps) when given. Components from
     * active on are passive (μ: integrated, never read by rhs); step control reads what
     * {@link BackwardStepControl} says, and starts from the step the previous segment proposed.
     */
    private OdeSolution solveBackward(FlatRhs rhs, double[] x0, int active, double tCur, double tPrev, boolean dense, Callback... callbacks) {
        FlatStateOps ops = new FlatStateOps(rhs, Shape.of(x0.length), steps.normLength(x0.length, active), active);
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
        SolveOptions opts = steps.resolve(o.withoutSaveat().saveEverystep(false).dense(true).saveStart(false).saveEnd(true).sensealg(null), a, b);
        OdeSolution sol = spec.withInputs(Tensor.unsafeWrap(uShape, ua.clone()), p).withSpan(a, b).withOptions(opts).integrate();
        if (!sol.retcode().successful()) retcode = sol.retcode();
        steps.resolveDone(sol);
        return sol.denseOutput();
    }

    /**
     * λ' = −(∂f/∂u)ᵀλ and μ' = −(∂f/∂p)ᵀλ on x = [λ, μ], u(t) from a dense output. The VJP is
     * linear in its cotangent, so it is taken of −λ and written straight into the derivative.
     */
    private FlatRhs lambdaMu(DenseOutput<?, ?> u) {
        double[] negLambda = new double[n];
        return (x, t) -> {
            for (int i = 0; i < n; i++) negLambda[i] = -x[i];
            double[] d = new double[n + np];
            vjp.eval(u.valuesAt(t), t, negLambda, null, 0, d, 0, d, n);
            return d;
        };
    }

    private void integrateLambdaMu(DenseOutput<?, ?> u, double tCur, double tPrev) {
        double[] x = new double[n + np];
        System.arraycopy(lambda, 0, x, 0, n);
        System.arraycopy(mu, 0, x, n, np);
        double[] end = solveBackward(lambdaMu(u), x, n, tCur, tPrev, false).last().unsafeData();
        System.arraycopy(end, 0, lambda, 0, n);
        System.arraycopy(end, n, mu, 0, np);
    }

    // ------------------------------------------------------------------ InterpolatingAdjoint

    /**
     * With checkpoints: the forward solve is re-run from a saved state with dense output, then the
     * adjoint crosses the intervals it covers. Without: the forward dense output.
     */
    double[][] interpolating(double[] ts, double[][] ys, double[][] ct, double[] u0, DenseOutput<?, ?> dense) {
        return sweep(ts, ct, (k, tCur, tPrev) -> {
            DenseOutput<?, ?> u = dense != null ? dense : checkpointed(ts, ys, u0, k);
            if (retcode.successful()) integrateLambdaMu(u, tCur, tPrev);
        });
    }

    /** The current re-solved chunk: its dense output and the index of its first interval. */
    private DenseOutput<?, ?> chunk;
    private int chunkFirst = -1;

    /**
     * The dense output over interval k (from ts[k-1], or t0, to ts[k]) re-solved from a checkpoint:
     * the forward solution has no jumps, so one re-solve may cover several intervals, starting at
     * the earliest checkpoint within one carried forward step of ts[k] (at least interval k's own),
     * and serve each of them in turn; each forward stretch is re-solved once, and memory holds one
     * chunk's steps (about one forward step), not the whole dense output.
     */
    private DenseOutput<?, ?> checkpointed(double[] ts, double[][] ys, double[] u0, int k) {
        if (chunk != null && chunkFirst <= k && k < chunkEnd) return chunk;
        double reach = steps.resolveReach();
        int j = k;
        while (j > 0 && Math.abs(ts[k] - start(ts, j - 1)) <= reach) j--;   // abs: spans may run backwards in time
        chunk = resolve(j > 0 ? ys[j - 1] : u0, start(ts, j), ts[k]);
        chunkFirst = j;
        chunkEnd = k + 1;
        return chunk;
    }

    private int chunkEnd = -1;

    /** Where interval i starts: the saved time before it, or t0. */
    private double start(double[] ts, int i) { return i > 0 ? ts[i - 1] : t0; }

    // ------------------------------------------------------------------ BacksolveAdjoint

    /** u reconstructed backwards with the adjoint: x = [u, λ, μ]; reset to the saved state at every saved time if checkpointing. */
    double[][] backsolve(double[] ts, double[][] ys, double[][] ct, boolean checkpointing, double[] reconstructed) {
        double[] u = ys.length == 0 ? new double[n] : ys[ys.length - 1].clone();
        double[] uu = new double[n], negLambda = new double[n];
        FlatRhs rhs = (x, t) -> {
            System.arraycopy(x, 0, uu, 0, n);
            for (int i = 0; i < n; i++) negLambda[i] = -x[n + i];
            double[] d = new double[2 * n + np];
            vjp.eval(uu, t, negLambda, d, 0, d, n, d, 2 * n);
            return d;
        };
        double[][] g = sweep(ts, ct, (k, tCur, tPrev) -> {
            if (checkpointing) System.arraycopy(ys[k], 0, u, 0, n);
            double[] x = new double[2 * n + np];
            System.arraycopy(u, 0, x, 0, n);
            System.arraycopy(lambda, 0, x, n, n);
            System.arraycopy(mu, 0, x, 2 * n, np);
            double[] end = solveBackward(rhs, x, 2 * n, tCur, tPrev, false).last().unsafeData();
            System.arraycopy(end, 0, u, 0, n);
            System.arraycopy(end, n, lambda, 0, n);
            System.arraycopy(end, 2 * n, mu, 0, np);
        });
        if (reconstructed != null) System.arraycopy(u, 0, reconstructed, 0, n);
        return g;
    }

    // ------------------------------------------------------------------ QuadratureAdjoint, GaussAdjoint

    /** λ' = −(∂f/∂u)ᵀλ alone, u(t) from the forward dense output. */
    private FlatRhs lambdaOnly(DenseOutput<?, ?> dense) {
        double[] gu = new double[n];
        VjpEvaluator lambdaOnly = new VjpEvaluator(f, cf, p, uShape, true, false);
        return (x, t) -> {
            lambdaOnly.eval(dense.valuesAt(t), t, x, null, gu, null);
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
    double[][] quadrature(double[] ts, double[][] ct, DenseOutput<?, ?> dense, double[] gk) {
        FlatRhs rhs = lambdaOnly(dense);
        VjpEvaluator paramsOnly = new VjpEvaluator(f, cf, p, uShape, false, true);
        GaussLegendre rule = GaussLegendre.forOrder(alg.order());
        double[] g = new double[np];
        return sweep(ts, ct, (k, tCur, tPrev) -> {
            OdeSolution lam = solveBackward(rhs, lambda.clone(), n, tCur, tPrev, true);
            if (!retcode.successful()) return;
            DenseOutput<?, ?> l = lam.denseOutput();
            for (Step<?, ?> s : l.steps()) {
                // the step runs from s.t towards tPrev; μ gains ∫ from its end to its start
                double a = s.tEnd(), b = s.t;
                if (gk == null) {
                    for (int i = 0; i < rule.nodes(); i++) {
                        double tau = rule.node(i, a, b);
                        paramsOnly.eval(dense.valuesAt(tau), tau, l.valuesAt(tau), null, null, g);
                        double w = rule.weight(i, a, b);
                        for (int j = 0; j < np; j++) mu[j] += w * g[j];
                    }
                } else {
                    GaussKronrod.Integrand integrand = t -> {
                        double[] out = new double[np];
                        paramsOnly.eval(dense.valuesAt(t), t, l.valuesAt(t), null, null, out);
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
    double[][] gauss(double[] ts, double[][] ct, DenseOutput<?, ?> dense) {
        FlatRhs rhs = lambdaOnly(dense);
        VjpEvaluator paramsOnly = new VjpEvaluator(f, cf, p, uShape, false, true);
        GaussLegendre rule = GaussLegendre.forOrder(alg.order());
        double[] g = new double[np];
        Callback accumulate = s -> {
            double a = s.t(), b = s.tPrev();   // the step ran from b back to a
            for (int i = 0; i < rule.nodes(); i++) {
                double tau = rule.node(i, a, b);
                paramsOnly.eval(dense.valuesAt(tau), tau, s.interpolate(tau).unsafeData(), null, null, g);
                double w = rule.weight(i, a, b);
                for (int j = 0; j < np; j++) mu[j] += w * g[j];
            }
        };
        return sweep(ts, ct, (k, tCur, tPrev) -> {
            OdeSolution lam = solveBackward(rhs, lambda.clone(), n, tCur, tPrev, false, accumulate);
            if (retcode.successful()) System.arraycopy(lam.last().unsafeData(), 0, lambda, 0, n);
        });
    }
}
