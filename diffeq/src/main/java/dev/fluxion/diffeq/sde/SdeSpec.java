package dev.fluxion.diffeq.sde;

import dev.fluxion.autodiff.AD;
import dev.fluxion.autodiff.CompiledFunction;
import dev.fluxion.autodiff.DualLevel;
import dev.fluxion.diffeq.ConstantStepSize;
import dev.fluxion.diffeq.ErrorNorm;
import dev.fluxion.diffeq.FailedSolve;
import dev.fluxion.diffeq.FlatStateOps;
import dev.fluxion.diffeq.Integrator;
import dev.fluxion.diffeq.OdeFunction;
import dev.fluxion.diffeq.OdeSolution;
import dev.fluxion.diffeq.OdeTerm;
import dev.fluxion.diffeq.SolveOptions;
import dev.fluxion.diffeq.StepController;
import dev.fluxion.diffeq.Stepper;
import dev.fluxion.diffeq.TensorStateOps;
import dev.fluxion.tensor.ConcretizationException;
import dev.fluxion.tensor.Lanes;
import dev.fluxion.tensor.Tensor;

import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One SDE solve resolved from a problem (the SDE counterpart of {@code SolveSpec}): drift and
 * diffusion terms, u0 and p (tensors of any kind), the span, the method, the options with the
 * seed fixed. A parallel spec rather than a widened {@code SolveSpec}: an SDE solve carries a
 * diffusion and a path that every ODE strategy would have to ignore, and its sensitivities differ
 * (pathwise duals and tape, the Stratonovich adjoint), so they dispatch here ({@link SdeSensitivity})
 * on the same user-facing strategy objects ({@code ReverseTape}, {@code ForwardDuals},
 * {@code BacksolveAdjoint}). It runs the same {@link Integrator}. Immutable.
 */
public final class SdeSpec {
    /** StochasticDiffEq.jl's default abstol and reltol for SDE solves. */
    public static final double DEFAULT_TOL = 1e-2;

    final OdeTerm drift;
    final DiffusionTerm diffusion;
    final Tensor u0, p;
    final double t0, t1;
    final SdeAlgorithm alg;
    final SolveOptions options;
    final long seed;

    SdeSpec(OdeTerm drift, DiffusionTerm diffusion, Tensor u0, Tensor p, double t0, double t1, SdeAlgorithm alg,
            SolveOptions options, long seed) {
        this.drift = drift;
        this.diffusion = diffusion;
        this.u0 = u0;
        this.p = p;
        this.t0 = t0;
        this.t1 = t1;
        this.alg = alg;
        this.options = options;
        this.seed = seed;
    }

    static SdeSpec of(SdeProblem prob, SdeAlgorithm alg, SolveOptions o) {
        if (prob == null || alg == null || o == null) throw new IllegalArgumentException("solve needs a problem, an algorithm and options");
        Tensor[] span = prob.tspan();
        double t0 = span[0].valueAt(0), t1 = span[1].valueAt(0);
        if (!Double.isFinite(t0) || !Double.isFinite(t1)) throw new IllegalArgumentException("the time span [" + t0 + ", " + t1 + "] must be finite");
        if (!(t1 > t0)) throw new IllegalArgumentException("an SDE solve runs forward in time: need t1 > t0, got [" + t0 + ", " + t1 + "]");
        alg.check(prob.noise());
        long seed = o.seed() != null ? o.seed() : ThreadLocalRandom.current().nextLong();
        // StochasticDiffEq.jl's defaults for SDEs (abstol = reltol = 1e-2) unless the user gave tolerances:
        // the ODE defaults (1e-3, 1e-6) would make an adaptive SDE solve take thousands of tiny steps
        if (!o.tolerancesGiven()) o = o.rtol(DEFAULT_TOL).atol(DEFAULT_TOL);
        return new SdeSpec(prob.driftTerm(), prob.diffusionTerm(), prob.u0(), prob.p(), t0, t1, alg, o.seed(seed), seed);
    }

    public Tensor u0() { return u0; }

    public Tensor p() { return p; }

    public double t0() { return t0; }

    public double t1() { return t1; }

    public SdeAlgorithm alg() { return alg; }

    public SolveOptions options() { return options; }

    /** The seed of this solve's path. */
    public long seed() { return seed; }

    /** The same solve from other inputs (the same path). */
    SdeSpec withInputs(Tensor u0, Tensor p) { return new SdeSpec(drift, diffusion, u0, p, t0, t1, alg, options, seed); }

    /**
     * The JVP of this solve's saved series with respect to (u0, p) along tangents t (either may be
     * null): dual lanes through the tensor plan on the same path; null when there are no lanes.
     * What the SDE ops (forward duals, the adjoint) answer for forward mode.
     */
    Tensor laneJvp(Tensor[] in, Tensor[] t) {
        int k = Lanes.count(t);
        if (k == 0) return null;
        DualLevel level = new DualLevel(k);
        try {
            Tensor ud = t[0] == null ? in[0] : level.dual(in[0], t[0]);
            Tensor pd = t[1] == null ? in[1] : level.dual(in[1], t[1]);
            return level.tangentOf(withInputs(ud, pd).integrate().u());
        } finally {
            level.close();
        }
    }

    /** The path this solve reads (a fresh tree from the seed: the same path every time). */
    BrownianTree path() { return new BrownianTree(seed, t0, t1, diffusion.channels(u0.size())); }

    /** Plain and forward-mode inputs integrate directly; inputs on a reverse tape go to the sensitivity method. */
    OdeSolution solve() {
        if (!AD.isRecorded(u0) && !AD.isRecorded(p)) return integrate();
        return SdeSensitivity.solve(this);
    }

    /**
     * Runs the integrator on (u0, p): the flat plan when both are plain and f and g compile, else
     * the tensor plan (derivatives flow through the stepper's ops). A failed solve gives states whose
     * derivatives are NaN.
     */
    OdeSolution integrate() {
        if (!u0.isConcrete() || !p.isConcrete()) {
            throw new ConcretizationException("an SDE solve cannot be traced for compilation: its step sizes depend on values");
        }
        boolean compile = options.compile() == null || options.compile();
        CompiledFunction cf = compile ? drift.compiled(u0, p) : null;
        CompiledFunction cg = compile ? diffusion.compiled(u0, p) : null;
        BrownianTree path = path();
        if (cf != null && cg != null && u0.isPrimal() && p.isPrimal() && cf.implicitInputsArePlain() && cg.implicitInputsArePlain()) {
            FlatStateOps ops = FlatStateOps.of(cf, p, u0.shape());
            FlatSdeOps so = new FlatSdeOps(ops, cg, p, u0.shape(), diffusion.noise(), diffusion.channels(u0.size()), path);
            double[] x0 = u0.toDoubleArray();
            return run(alg.stepper(so), ops, x0);
        }
        if (diffusion.noise() == NoiseKind.GENERAL && cg == null) diffusion.evaluate(u0, p.primal(), Tensor.scalar(t0));   // shape check up front
        OdeFunction f = cf == null ? drift::evaluate : (u, q, t) -> cf.apply(u, q, t);
        TensorStateOps ops = new TensorStateOps(f, p, u0.shape());
        TensorSdeOps so = new TensorSdeOps(ops, diffusion, cg, p, u0.shape(), path);
        OdeSolution sol = run(alg.stepper(so), ops, u0);
        if (sol.retcode().successful() || u0.isPrimal() && p.isPrimal()) return sol;
        return sol.withStates(FailedSolve.poison(sol.states(), u0, p));
    }

    /** Runs the integrator with a stepper of this solve's method from x0 (f evaluated there) on its plan. */
    <S> OdeSolution run(Stepper<S, ?> stepper, dev.fluxion.diffeq.StateOps<S> ops, S x0) {
        S fx0 = ops.eval(x0, t0);
        boolean adaptive = options.adaptive() != null ? options.adaptive() : alg.adaptive();
        if (adaptive && !alg.adaptive()) {
            throw new IllegalArgumentException(alg.name() + " has no error estimate, so it cannot adapt its step: set SolveOptions.dt(...) "
                    + "(and adaptive(false)), or choose an adaptive method such as SOSRI");
        }
        if (!adaptive && Double.isNaN(options.dt())) {
            throw new IllegalArgumentException(alg.name() + " is a fixed-step method here: set SolveOptions.dt(...)");
        }
        SolveOptions o = options.tstops(stops(options, t0, t1));
        if (adaptive && Double.isNaN(o.dt())) o = o.dt(initialStep(stepper, x0, fx0));
        StepController ctl = !adaptive ? ConstantStepSize.INSTANCE
                : o.controller() != null ? o.controller() : stepper.defaultController();
        return Integrator.run(stepper, x0, fx0, t0, t1, o, ErrorNorm.of(o, u0), ctl);
    }

    /**
     * A first step from the scaled sizes of u0, f(u0) and g(u0) (the idea of Hairer's d0/d1 and
     * StochasticDiffEq.jl's sde_determine_initdt): 1% of |u0|/max(|f|, |g|), within [1e-6, span/10].
     */
    private <S> double initialStep(Stepper<S, ?> stepper, S x0, S fx0) {
        double[] u = stepper.ops().values(x0), f = stepper.ops().values(fx0);
        ErrorNorm norm = ErrorNorm.of(options, u0);
        int n = u0.size();
        double[] gv = diffusion.evaluate(u0.primal(), p.primal(), Tensor.scalar(t0)).toDoubleArray();
        int m = gv.length / n;
        double[] gn = new double[n];
        for (int i = 0; i < n; i++) for (int k = 0; k < m; k++) gn[i] += Math.abs(gv[i * m + k]);
        double d0 = norm.scaled(u, u, n), d1 = norm.scaled(f, u, n), dg = norm.scaled(gn, u, n);
        double span = t1 - t0;
        double d = Math.max(d1, dg);
        double h = d0 < 1e-5 || d < 1e-5 ? 1e-6 : 0.01 * d0 / d;
        h = Math.min(Math.max(h, 1e-6 * span), span / 10);
        return Math.min(h, options.dtmax());
    }

    /** The solve's tstops and its saveat times: an SDE solve steps to the times it saves (no interpolation between noisy steps). */
    static double[] stops(SolveOptions o, double t0, double t1) {
        double[] given = o.tstops();
        double[] save;
        if (!Double.isNaN(o.saveatStep())) {
            double d = o.saveatStep();
            if (!(d > 0) || !Double.isFinite(d)) throw new IllegalArgumentException("saveat step must be finite and positive, got " + d);
            double nReal = (t1 - t0) / d;
            long nn = Math.round(nReal);
            boolean whole = Math.abs(nReal - nn) <= 1e-9 * Math.max(1.0, nReal);
            int count = (int) Math.min(10_000_000, whole ? nn : (long) Math.floor(nReal));
            save = new double[count];
            int k2 = 0;
            for (int k = 1; k <= count; k++) {
                double tk = whole ? t0 + (t1 - t0) * k / nn : t0 + k * d;
                if (tk < t1) save[k2++] = tk;
            }
            save = Arrays.copyOf(save, k2);
        } else if (o.saveatTimes() != null) {
            save = o.saveatTimes();
        } else {
            return given;
        }
        double[] all = Arrays.copyOf(given, given.length + save.length);
        System.arraycopy(save, 0, all, given.length, save.length);
        return all;
    }
}
