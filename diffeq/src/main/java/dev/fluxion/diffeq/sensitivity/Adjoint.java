package dev.fluxion.diffeq.sensitivity;

import dev.fluxion.autodiff.CompiledFunction;
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
    /** Each segment starts with the step the previous one ended with (no initial-step probing). */
    private double backwardDt = Double.NaN, resolveDt = Double.NaN;

    /** The events of the forward solve, in order (its event callbacks recorded them). */
    private final List<EventRecord> events;

    /** The adjoint of spec's solve (primal u0 and p) with no events. */
    Adjoint(SolveSpec spec) { this(spec, List.of()); }

    /** The adjoint of spec's solve (primal u0 and p), whose forward solve handled events. */
    Adjoint(SolveSpec spec, List<EventRecord> events) {
        this.events = events;
        this.spec = spec;
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
     * dense output. Components from active on are passive (μ: integrated, never read by rhs).
     */
    private OdeSolution solveBackward(FlatRhs rhs, double[] x0, int active, double tCur, double tPrev, boolean dense) {
        // Step control reads the whole state, μ included. A seminorm over the active part only
        // (Kidger, Chen & Lyons 2021) takes more steps here, not fewer: the norm is an RMS, and
        // μ's many small-error components dilute the active ones' error (measured on the trained
        // spiral: 278 backward steps with the full norm, 312 with the seminorm).
        FlatStateOps ops = new FlatStateOps(rhs, Shape.of(x0.length), x0.length, active);
        SolveOptions opts = dense ? backward.dense(true) : backward;
        if (Double.isFinite(backwardDt)) opts = opts.dt(Math.min(Math.abs(backwardDt), Math.abs(tCur - tPrev)));
        ErrorNorm norm = new ErrorNorm(opts.rtol(), opts.atol(), null);
        OdeSolution sol = Solve.run(alg.stepper(ops), x0, ops.eval(x0, tCur), alg, tCur, tPrev, opts, norm);
        backwardSteps += sol.stats().acceptedSteps();
        if (Double.isFinite(sol.lastStep())) backwardDt = sol.lastStep();
        if (!sol.retcode().successful()) retcode = sol.retcode();
        return sol;
    }

    /** A forward re-solve of [a, b] from u(a) with dense output (a checkpoint interval). */
    private DenseOutput<?, ?> resolve(double[] ua, double a, double b) {
        // no callbacks: the sweep's pieces end at the forward solve's events, which it handles itself
        SolveOptions opts = o.withoutSaveat().saveEverystep(false).dense(true).saveStart(false).saveEnd(true).sensealg(null).callback();
        if (Double.isFinite(resolveDt)) opts = opts.dt(Math.min(Math.abs(resolveDt), Math.abs(b - a)));
        OdeSolution sol = spec.withInputs(Tensor.unsafeWrap(uShape, ua.clone()), p).withSpan(a, b).withOptions(opts).integrate();
        if (!sol.retcode().successful()) retcode = sol.retcode();
        if (Double.isFinite(sol.lastStep())) resolveDt = sol.lastStep();
        return sol.denseOutput();
    }

    /**
     * λ' = −(∂f/∂u)ᵀλ and μ' = −(∂f/∂p)ᵀλ on x = [λ, μ], u(t) from a dense output. The VJP is
     * linear in its cotangent, so it is taken of −λ and written straight into the derivative.
     */
    private FlatRhs lambdaMu(PieceStates u) {
        double[] negLambda = new double[n];
        return (x, t) -> {
            for (int i = 0; i < n; i++) negLambda[i] = -x[i];
            double[] d = new double[n + np];
            vjp.eval(u.at(t), t, negLambda, null, 0, d, 0, d, n);
            return d;
        };
    }

    private void integrateLambdaMu(PieceStates u, double tCur, double tPrev) {
        double[] x = new double[n + np];
        System.arraycopy(lambda, 0, x, 0, n);
        System.arraycopy(mu, 0, x, n, np);
        double[] end = solveBackward(lambdaMu(u), x, n, tCur, tPrev, false).last().unsafeData();
        System.arraycopy(end, 0, lambda, 0, n);
        System.arraycopy(end, n, mu, 0, np);
    }

    // ------------------------------------------------------------------ InterpolatingAdjoint

    /**
     * With checkpoints: each interval between saved states is re-solved forward from its saved
     * start with dense output, then the adjoint crosses it. Without: the forward dense output.
     */
    double[][] interpolating(double[] ts, double[][] ys, double[][] ct, double[] u0, DenseOutput<?, ?> dense) {
        return sweep(ts, ys, ct, u0, (tCur, tPrev, uUpper, eventAtUpper, uLower) -> {
            DenseOutput<?, ?> u = dense != null ? dense : resolve(uLower, tPrev, tCur);
            if (retcode.successful()) integrateLambdaMu(new PieceStates(u, tPrev, uLower, tCur, uUpper), tCur, tPrev);
        });
    }

    // ------------------------------------------------------------------ BacksolveAdjoint

    /**
     * u reconstructed backwards with the adjoint: x = [u, λ, μ]; reset to the saved state at every
     * saved time if checkpointing, and to the state before the jump at every event (an affect need
     * not be invertible).
     */
    double[][] backsolve(double[] ts, double[][] ys, double[][] ct, double[] u0, boolean checkpointing, double[] reconstructed) {
        double[] u = ys.length == 0 ? new double[n] : ys[ys.length - 1].clone();
        double[] uu = new double[n], negLambda = new double[n];
        FlatRhs rhs = (x, t) -> {
            System.arraycopy(x, 0, uu, 0, n);
            for (int i = 0; i < n; i++) negLambda[i] = -x[n + i];
            double[] d = new double[2 * n + np];
            vjp.eval(uu, t, negLambda, d, 0, d, n, d, 2 * n);
            return d;
        };
        double[][] g = sweep(ts, ys, ct, u0, (tCur, tPrev, uUpper, eventAtUpper, uLower) -> {
            if (checkpointing || eventAtUpper) System.arraycopy(uUpper, 0, u, 0, n);
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

    // ------------------------------------------------------------------ QuadratureAdjoint

    /** λ alone backwards (dense), then μ = ∫ λᵀ ∂f/∂p dt by adaptive Gauss–Kronrod over the λ steps. */
    double[][] quadrature(double[] ts, double[][] ys, double[][] ct, double[] u0, DenseOutput<?, ?> dense, double qAtol, double qRtol) {
        double[] gu = new double[n];
        PieceStates[] states = {PieceStates.of(dense)};
        VjpEvaluator lambdaOnly = new VjpEvaluator(f, cf, p, uShape, true, false);
        VjpEvaluator paramsOnly = new VjpEvaluator(f, cf, p, uShape, false, true);
        FlatRhs rhs = (x, t) -> {
            lambdaOnly.eval(states[0].at(t), t, x, null, gu, null);
            double[] d = new double[n];
            for (int i = 0; i < n; i++) d[i] = -gu[i];
            return d;
        };
        return sweep(ts, ys, ct, u0, (tCur, tPrev, uUpper, eventAtUpper, uLower) -> {
            states[0] = new PieceStates(dense, tPrev, uLower, tCur, uUpper);
            OdeSolution lam = solveBackward(rhs, lambda.clone(), n, tCur, tPrev, true);
            if (!retcode.successful()) return;
            DenseOutput<?, ?> l = lam.denseOutput();
            GaussKronrod.Integrand integrand = t -> {
                double[] out = new double[np];
                paramsOnly.eval(states[0].at(t), t, l.valuesAt(t), null, null, out);
                return out;
            };
            double atol = Math.min(qAtol, backward.atol()), rtol = Math.min(qRtol, backward.rtol());
            for (Step<?, ?> s : l.steps()) {
                // the step runs from s.t towards tPrev; μ gains ∫ from its end to its start
                double a = Math.min(s.t, s.tEnd()), b = Math.max(s.t, s.tEnd());
                double sign = Math.signum(s.t - s.tEnd());
                double[] piece = GaussKronrod.integrate(integrand, a, b, np, atol, rtol, 12);
                for (int i = 0; i < np; i++) mu[i] += sign * piece[i];
            }
            System.arraycopy(lam.last().unsafeData(), 0, lambda, 0, n);
        });
    }
}
