package dev.fluxion.diffeq.sde;

import dev.fluxion.autodiff.AD;
import dev.fluxion.autodiff.CompiledFunction;
import dev.fluxion.diffeq.ErrorNorm;
import dev.fluxion.diffeq.FlatStateOps;
import dev.fluxion.diffeq.OdeSolution;
import dev.fluxion.diffeq.ReturnCode;
import dev.fluxion.diffeq.SensitivityAlgorithm;
import dev.fluxion.diffeq.SolveOptions;
import dev.fluxion.diffeq.SolverStats;
import dev.fluxion.diffeq.StateOps;
import dev.fluxion.diffeq.Step;
import dev.fluxion.diffeq.StepController;
import dev.fluxion.diffeq.Stepper;
import dev.fluxion.tensor.Dispatch;
import dev.fluxion.tensor.Op;
import dev.fluxion.tensor.Shape;
import dev.fluxion.tensor.Tensor;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * ReverseTape's gradient of a solve by Rößler's stochastic Runge–Kutta families without the tape:
 * SRI (SOSRI, SRIW1; diagonal or scalar noise) and SRA (SOSRA, SRA1; any noise form), with compiled
 * drift f and diffusion g. The solve is one op whose backward pass is the discrete adjoint of the
 * steps actually taken, as {@code RkDiscreteAdjoint} is for explicit RK solves of ODEs (the
 * transposed stage recursion of Hager 2000 and Sandu 2006, applied to Rößler's 2010 schemes, which
 * are RK schemes whose stage sums also carry g times coefficients built from the step's Brownian
 * increments).
 *
 * <p>The forward pass is the plain solve on flat arrays, keeping for each accepted step its start
 * time, step size, start state and its f, ΔW and Lévy area H in growing primitive arrays (a rejected
 * attempt's slot is overwritten by the retry), and for SRI the stage inputs H⁰ᵢ, H¹ᵢ the stepper
 * evaluated f and g at (copied from its buffers, {@code SriStepper.copyStageInputs}). The backward
 * pass walks the accepted steps in reverse; per step it takes those kept stage inputs (or, for a
 * step the stepper took on its generic path, and for SRA, recomputes them from the kept start state:
 * f and g on flat arrays; the last stage's values feed only u' and are not needed), then runs f's and g's compiled
 * VJP-only programs once per stage (SRA: g once per distinct c¹, at the step's start), propagating
 * cotangents through the stage sums and the update. Step sizes, ΔW and the iterated integrals built
 * from ΔW and H (I₍₁,₁₎, I₍₁,₀₎, I₍₁,₁,₁₎) are constants of the derivative, and the controller's
 * decisions are not differentiated: exactly what the tape through the stepper's ops computes, with
 * no tensor per op.
 *
 * <p>Saved states are the ends of accepted steps (SDE solves step to their saved times), or a
 * linear interpolation inside a step (the stepper's interpolant: (1 − θ)u + θu'), or u0; their
 * cotangents enter the sweep at those steps. With save-every-step and no saveat the tape's solution
 * has dense output, interpolating linearly between step ends; this op's solution has none, and
 * {@code sol.at} interpolates the same saved step ends linearly, differentiably through the op's
 * output, so the two agree (dense(true) asked for explicitly is left to the tape).
 *
 * <p>Used by {@link SdeSensitivity} only where it gives the tape's answer ({@link #applies}): an
 * SRI or SRA method, no callbacks, f and g compiled with plain implicit inputs and traceable VJPs.
 * A case the op cannot trace at run time falls back to differentiating the stepper's ops
 * ({@link #FALLBACKS} counts those), so the answer never depends on the fast path.
 */
final class SrkDiscreteAdjoint extends Op {
    /** Backward passes that differentiated the stepper's ops instead (an untraceable saved state, a higher-order VJP): specs keep it at 0. */
    static final AtomicInteger FALLBACKS = new AtomicInteger();

    /** Leaves every ReverseTape SDE solve to the tape through the stepper's ops: for specs comparing the two, and A/B timing. */
    static volatile boolean forceTape = false;

    /** False keeps SRI solves on the per-stage backward even where the whole-step program applies: for the spec comparing the two. */
    static volatile boolean wholeStep = true;

    private final SdeSpec spec;
    private double[] ts;
    private double[][] ys;
    private ReturnCode rc;
    private SolverStats stats;
    private int n;
    private Recorder rec;
    /** Per saved state: -1 for u0, else the accepted step it lies in; theta 1 means that step's end. */
    private int[] source;
    private double[] thetas;
    private boolean traced;
    /** SRI's whole-step VJP program where it applies (made by the forward, run by the backward's sweep), else null. */
    private SriStepVjp whole;

    private SrkDiscreteAdjoint(SdeSpec spec) { this.spec = spec; }

    /** Whether this op computes spec's tape gradient (see the class comment). */
    static boolean applies(SdeSpec spec) {
        if (forceTape) return false;
        if (!(spec.alg instanceof SriAlgorithm && spec.diffusion.noise() != NoiseKind.GENERAL || spec.alg instanceof SraAlgorithm)) return false;
        SolveOptions o = spec.options;
        if (o.callbacks().length > 0 || Boolean.FALSE.equals(o.compile())) return false;
        if (Boolean.TRUE.equals(o.dense())) return false;
        boolean impliedDense = o.dense() == null && !o.hasSaveat() && (o.saveEverystep() == null || o.saveEverystep());
        if (impliedDense && Boolean.FALSE.equals(o.saveStart())) return false;   // sol.at near t0 needs the saved u0
        if (!spec.u0.isConcrete() || !spec.p.isConcrete()) return false;
        CompiledFunction cf = spec.drift.compiled(spec.u0, spec.p), cg = spec.diffusion.compiled(spec.u0, spec.p);
        if (cf == null || cg == null || !cf.implicitInputsArePlain() || !cg.implicitInputsArePlain()) return false;
        return Vjp.of(cf, spec) != null && Vjp.of(cg, spec) != null;
    }

    /** The solve as this op on the caller's tape. */
    static OdeSolution solve(SdeSpec spec, SensitivityAlgorithm s) {
        SrkDiscreteAdjoint op = new SrkDiscreteAdjoint(spec);
        Tensor series = Dispatch.apply(op, spec.u0, spec.p);
        return SdeSensitivity.asSolution(series, op.ts.clone(), op.rc, op.stats, s);
    }

    @Override public String name() { return "sdeSolve[" + spec.alg.name() + ", ReverseTape]"; }

    @Override public Tensor forward(Tensor[] in) {
        Shape us = in[0].shape();
        n = us.size();
        SdeSpec plain = new SdeSpec(spec.drift, spec.diffusion, in[0], in[1], spec.t0, spec.t1, spec.alg,
                spec.options.dense(false), spec.seed);
        CompiledFunction cf = spec.drift.compiled(in[0], in[1]), cg = spec.diffusion.compiled(in[0], in[1]);
        FlatStateOps ops = FlatStateOps.of(cf, in[1], us);
        int m = spec.diffusion.channels(n);
        FlatSdeOps so = new FlatSdeOps(ops, cg, in[1], us, spec.diffusion.noise(), m, plain.path());
        Stepper<double[], ?> stepper = spec.alg.stepper(so);
        double[] x0 = in[0].toDoubleArray();
        OdeSolution sol;
        if (stepper instanceof SriStepper<?> && spec.alg instanceof SriAlgorithm || stepper instanceof SraStepper<?> && spec.alg instanceof SraAlgorithm) {
            @SuppressWarnings("unchecked")
            SdeStepper<double[]> family = (SdeStepper<double[]>) stepper;
            whole = wholeStep && spec.alg instanceof SriAlgorithm sri ? SriStepVjp.of(spec, sri.tableau()) : null;
            // the whole-step VJP recomputes the stage values itself: no stage data is kept for it
            rec = new Recorder(family, n, m, whole == null);
            sol = plain.run(rec, ops, x0);
            if (sol.retcode().successful()) rec.count++;   // a successful solve ends on an accepted step
        } else {
            sol = plain.run(stepper, ops, x0);   // a member with a stepper of its own: the tape through its ops is the answer (traced stays false)
        }
        rc = sol.retcode();
        stats = sol.stats();
        ts = sol.t();
        ys = new double[ts.length][];
        double[] flat = SdeSensitivity.savedRows(sol, ys, n);
        if (rc.successful() && rec != null) trace();
        return Tensor.unsafeWrap(us.prepend(ts.length), flat);
    }

    /**
     * Which accepted step each saved state comes from, by its time, as the integrator saved it
     * (SaveSchedule.saveWithin): the first step ending at or after the time; its end when within
     * 100 ulp of it, else the linear interpolant at θ = (τ − t)/h; t0 is u0.
     */
    private void trace() {
        source = new int[ts.length];
        thetas = new double[ts.length];
        int k = 0, steps = rec.count;
        traced = true;
        for (int i = 0; i < ts.length; i++) {
            double tau = ts[i];
            if (tau == spec.t0) {
                source[i] = -1;
                continue;
            }
            while (k < steps && rec.tEnd(k, spec.t1) < tau) k++;
            if (k == steps) {
                traced = false;
                return;
            }
            double tnew = rec.tEnd(k, spec.t1);
            source[i] = k;
            thetas[i] = Math.abs(tau - tnew) <= 100 * Math.ulp(tnew) ? 1.0 : (tau - rec.t[k]) / rec.h[k];
        }
    }

    @Override public Tensor[] vjp(Tensor[] in, Tensor out, Tensor ct, boolean[] needs) {
        if (!in[0].isPrimal() || !in[1].isPrimal() || !ct.isPrimal() || rc.successful() && !traced) {
            FALLBACKS.incrementAndGet();
            return AD.vjps(xs -> spec.withInputs(xs[0], xs[1]).integrate().u(), ct, in);
        }
        if (!rc.successful()) return new Tensor[] {Tensor.full(Double.NaN, in[0].shape()), Tensor.full(Double.NaN, in[1].shape())};
        Sweep sweep = spec.alg instanceof SriAlgorithm sri ? new SriSweep(in[0], in[1], sri.tableau())
                : new SraSweep(in[0], in[1], ((SraAlgorithm) spec.alg).tableau());
        double[][] g = sweep.run(ct.unsafeData());
        return new Tensor[] {needs[0] ? Tensor.unsafeWrap(in[0].shape(), g[0]) : null, needs[1] ? Tensor.unsafeWrap(in[1].shape(), g[1]) : null};
    }

    @Override public Tensor jvp(Tensor[] in, Tensor out, Tensor[] t) {
        return spec.laneJvp(in, t);
    }

    @Override public long residualSize() {
        return rec == null ? 0 : (long) rec.count * (2 + 2L * n + 2L * rec.m + 2L * rec.sn);
    }

    /**
     * The SRI or SRA stepper of the solve, keeping each attempt's (t, h, u, ΔW, H) in slot count; the
     * next attempt tells whether it was accepted (it starts from this attempt's u') or rejected
     * (it starts from the same u and overwrites the slot).
     */
    private static final class Recorder implements Stepper<double[], SdeStepper.Linear> {
        private final SdeStepper<double[]> st;
        /** st when it is SRI: its stage inputs past stage 0 are kept per step (in0, in1: (s − 1)·n each), else null. */
        private final SriStepper<?> sri;
        final int n, m, sn;
        double[] t = new double[64], h = new double[64], u, fu, dw, lv, in0, in1;
        /** Whether the backward needs the steps' stage data (their stage inputs, else f(u)): not for the whole-step VJP. */
        private final boolean stageData;
        /** Whether step k's stage inputs are in in0, in1 (its attempt took the stepper's flat path). */
        boolean[] kept = new boolean[64];
        int count;
        private double[] pendingEnd;

        Recorder(SdeStepper<double[]> st, int n, int m, boolean stageData) {
            this.st = st;
            this.n = n;
            this.m = m;
            this.stageData = stageData;
            this.sri = stageData && st instanceof SriStepper<?> r ? r : null;
            sn = sri == null ? 0 : (sri.stages() - 1) * n;
            in0 = new double[64 * sn];
            in1 = new double[64 * sn];
            u = new double[64 * n];
            fu = new double[64 * n];
            dw = new double[64 * m];
            lv = new double[64 * m];
        }

        /** Where accepted step k ended: the next step's start, t1 for the last. */
        double tEnd(int k, double t1) { return k + 1 < count ? t[k + 1] : t1; }

        @Override public Step<double[], SdeStepper.Linear> attempt(double time, double[] x, double[] fx, double step, ErrorNorm norm) {
            if (pendingEnd != null && x == pendingEnd) count++;
            if (count == t.length) {
                int cap = 2 * count;
                t = Arrays.copyOf(t, cap);
                h = Arrays.copyOf(h, cap);
                u = Arrays.copyOf(u, cap * n);
                fu = Arrays.copyOf(fu, cap * n);
                dw = Arrays.copyOf(dw, cap * m);
                lv = Arrays.copyOf(lv, cap * m);
                in0 = Arrays.copyOf(in0, cap * sn);
                in1 = Arrays.copyOf(in1, cap * sn);
                kept = Arrays.copyOf(kept, cap);
            }
            t[count] = time;
            h[count] = step;
            // plain loops, not System.arraycopy: a few values each (2 for the LV SDE), where the
            // call's set-up costs more than the copy (as in LaneRunner)
            int o = count * n, om = count * m;
            for (int j = 0; j < n; j++) u[o + j] = x[j];
            Step<double[], SdeStepper.Linear> s = st.attempt(time, x, fx, step, norm);
            double[] w = st.dW, l = st.levy;
            for (int c = 0; c < m; c++) {
                dw[om + c] = w[c];
                lv[om + c] = l[c];
            }
            boolean inputs = sri != null && sri.copyStageInputs(in0, in1, count * sn, n);
            kept[count] = inputs;
            // f(u, t), the stage-0 drift, for a backward step that recomputes its stages (the
            // step's start x and fx are the integrator's, unchanged by the attempt)
            if (stageData && !inputs) for (int j = 0; j < n; j++) fu[o + j] = fx[j];
            pendingEnd = s.unew;
            return s;
        }

        @Override public int order() { return st.order(); }
        @Override public int errorOrder() { return st.errorOrder(); }
        @Override public boolean adaptive() { return st.adaptive(); }
        @Override public boolean resumesStepAfterStop() { return st.resumesStepAfterStop(); }
        @Override public double alignStep(double time, double step) { return st.alignStep(time, step); }
        @Override public StepController defaultController() { return st.defaultController(); }
        @Override public StateOps<double[]> ops() { return st.ops(); }
        @Override public boolean interpolationNeedsFnew() { return st.interpolationNeedsFnew(); }
        @Override public double[] interpolate(Step<double[], SdeStepper.Linear> step, double theta) { return st.interpolate(step, theta); }
    }

    /** A compiled function's VJP-only program over flat arrays, p fixed (bound, or passed by reference to generated code): λᵀ∂φ/∂u, and λᵀ∂φ/∂p when p has entries and φ reads p. */
    private static final class Vjp {
        private final CompiledFunction.MultiRunner r;
        private final double[] time = new double[1];
        /** The program's arguments, and its outputs: u's cotangent, then p's when it has one. */
        private final double[][] args = {null, null, time, null}, outs;

        private Vjp(CompiledFunction.MultiRunner r, boolean withP) {
            this.r = r;
            this.outs = new double[withP ? 2 : 1][];
        }

        static Vjp of(CompiledFunction c, SdeSpec spec) {
            Tensor p = spec.p.primal();
            // a function that does not read p (a diffusion 0.1·u) adds nothing to dL/dp: its VJP skips that output
            boolean withP = p.size() > 0 && c.reads(1);
            CompiledFunction.MultiRunner r = c.vjpOnlyRunner(new boolean[] {true, withP, false},
                    Tensor.zeros(spec.u0.shape()), p, Tensor.scalar(0.0));
            if (r == null) return null;
            // generated code reads p by reference; a program that copies its arguments in copies p once, when bound
            Vjp v = new Vjp(r.direct() ? r : r.bind(1, p.unsafeData()), withP);
            if (r.direct()) v.args[1] = p.unsafeData();
            return v;
        }

        /** gu = λᵀ∂φ/∂u at (x, t); λᵀ∂φ/∂p added to pbar (gp is scratch). Written into the arrays, nothing allocated. */
        void run(double[] x, double t, double[] lambda, double[] gu, double[] gp, double[] pbar) {
            args[0] = x;
            time[0] = t;
            args[3] = lambda;
            runVjp(r, args, outs, gu, gp, pbar);
        }
    }

    /**
     * A VJP-only program's run into gu (outs: {gu's slot} or {gu's, gp's} when it has p's output),
     * p's part added to pbar: what the per-stage and the whole-step backward share.
     */
    static void runVjp(CompiledFunction.MultiRunner r, double[][] args, double[][] outs, double[] gu, double[] gp, double[] pbar) {
        outs[0] = gu;
        if (outs.length == 1) {
            r.runInto(args, outs);
            return;
        }
        outs[1] = gp;
        r.runInto(args, outs);
        for (int j = 0; j < gp.length; j++) pbar[j] += gp[j];
    }

    /** One backward sweep over the accepted steps: the saved states' cotangents enter at their steps; each step is undone by its family. */
    private abstract class Sweep {
        final int s, np;
        final CompiledFunction.Runner fRun, gRun;
        final Vjp fVjp, gVjp;
        private final double[] time = new double[1];
        private final double[][] args = {null, null, time};
        final double[] x, pbar, gp;

        Sweep(Tensor u0, Tensor p, int stages) {
            s = stages;
            np = p.size();
            CompiledFunction cf = spec.drift.compiled(u0, p), cg = spec.diffusion.compiled(u0, p);
            fRun = cf.runner().bind(1, p.unsafeData());
            gRun = cg.runner().bind(1, p.unsafeData());
            fVjp = Vjp.of(cf, spec);
            gVjp = Vjp.of(cg, spec);
            x = new double[n];
            gp = new double[np];
            pbar = new double[np];
        }

        /** {dL/du0, dL/dp} from the cotangent of the saved series [nt·n]. */
        double[][] run(double[] c) {
            int steps = rec.count;
            double[] endBar = new double[steps * n];   // cotangent of each accepted step's end state
            double[] u0bar = new double[n];
            for (int i = 0; i < ts.length; i++) {
                int k = source[i], off = i * n;
                double th = thetas[i];
                if (k < 0) {
                    for (int j = 0; j < n; j++) u0bar[j] += c[off + j];
                } else if (th == 1.0) {
                    for (int j = 0; j < n; j++) endBar[k * n + j] += c[off + j];
                } else {
                    // (1 − θ)u + θu': u is the previous step's end (or u0)
                    for (int j = 0; j < n; j++) {
                        endBar[k * n + j] += th * c[off + j];
                        if (k > 0) endBar[(k - 1) * n + j] += (1 - th) * c[off + j];
                        else u0bar[j] += (1 - th) * c[off + j];
                    }
                }
            }
            double[] bar = new double[n];
            for (int k = steps - 1; k >= 0; k--) {
                boolean live = false;
                for (int j = 0; j < n; j++) {
                    bar[j] += endBar[k * n + j];
                    live |= bar[j] != 0.0;
                }
                if (!live) continue;
                for (int j = 0, o = k * n; j < n; j++) x[j] = rec.u[o + j];
                step(k, rec.t[k], rec.h[k], bar);
            }
            for (int j = 0; j < n; j++) bar[j] += u0bar[j];
            return new double[][] {bar, pbar.clone()};
        }

        /** Replaces bar, the cotangent of step k's end, by that of its start x; adds the step's part of dL/dp to pbar. */
        abstract void step(int k, double t, double h, double[] bar);

        void eval(CompiledFunction.Runner r, double[] in, double t, double[] out) {
            args[0] = in;
            time[0] = t;
            r.runInto(args, out, 0);
        }
    }

    /**
     * Rößler's SRI step (diagonal or scalar noise: the products with the increments are per
     * component). The tableau's nonzero entries are listed once per row (most of a step's work
     * besides the VJP runs is these sums), and which stages' f and g have a cotangent at all
     * (α, β or a later live stage reading them) is decided once from the structure, so a stage
     * whose value only the error estimate reads costs nothing here.
     */
    private final class SriSweep extends Sweep {
        private final SriTableau tab;
        private final double[][] h0, h1, fv, gv, fbar, gbar;
        private final double[] w, chi1, chi2, chi3, hbar0, hbar1;
        // row i's nonzero A⁰, A¹, B⁰, B¹ entries: columns and values
        private final int[][] a0q, a1q, b0q, b1q;
        private final double[][] a0c, a1c, b0c, b1c;
        private final boolean[] fLive, gLive;
        /** Whether {@link #dense4} applies: four stages, every strictly lower coefficient and final weight nonzero (SOSRI). */
        private final boolean dense;
        /** The tableau's coefficients as scalars when {@link #dense} (else null). */
        private final SriDense4 dense4;

        SriSweep(Tensor u0, Tensor p, SriTableau tab) {
            super(u0, p, tab.stages());
            this.tab = tab;
            h0 = new double[s][n];
            h1 = new double[s][n];
            fv = new double[s][n];
            gv = new double[s][n];
            fbar = new double[s][n];
            gbar = new double[s][n];
            w = new double[n];
            chi1 = new double[n];
            chi2 = new double[n];
            chi3 = new double[n];
            hbar0 = new double[n];
            hbar1 = new double[n];
            a0q = new int[s][];
            a1q = new int[s][];
            b0q = new int[s][];
            b1q = new int[s][];
            a0c = new double[s][];
            a1c = new double[s][];
            b0c = new double[s][];
            b1c = new double[s][];
            for (int i = 0; i < s; i++) {
                a0q[i] = live(tab.a0[i], i);
                a1q[i] = live(tab.a1[i], i);
                b0q[i] = live(tab.b0[i], i);
                b1q[i] = live(tab.b1[i], i);
                a0c[i] = values(tab.a0[i], a0q[i]);
                a1c[i] = values(tab.a1[i], a1q[i]);
                b0c[i] = values(tab.b0[i], b0q[i]);
                b1c[i] = values(tab.b1[i], b1q[i]);
            }
            fLive = new boolean[s];
            gLive = new boolean[s];
            for (int q = s - 1; q >= 0; q--) {
                boolean f = tab.alpha[q] != 0.0, g = tab.beta1[q] != 0.0 || tab.beta2[q] != 0.0 || tab.beta3[q] != 0.0 || tab.beta4[q] != 0.0;
                for (int i = q + 1; i < s; i++) {
                    f |= tab.a0[i][q] != 0.0 && fLive[i] || tab.a1[i][q] != 0.0 && gLive[i];
                    g |= tab.b0[i][q] != 0.0 && fLive[i] || tab.b1[i][q] != 0.0 && gLive[i];
                }
                fLive[q] = f;
                gLive[q] = g;
            }
            dense4 = SriDense4.of(tab);
            dense = dense4 != null;
        }

        @Override void step(int k, double t, double h, double[] bar) {
            double sq = Math.sqrt(h);
            noise(k, h, sq);
            if (whole != null) {
                whole.run(x, t, h, sq, w, chi1, chi2, chi3, bar, hbar0, gp, pbar);
                System.arraycopy(hbar0, 0, bar, 0, n);
                return;
            }
            if (rec.kept[k]) kept(k);
            else stages(k, t, h, sq);
            if (dense) {
                dense4(t, h, sq, bar);
                return;
            }
            // u' = u + h Σ αⱼ Fⱼ + Σ (β¹ⱼ I₍₁₎ + β²ⱼ I₍₁,₁₎/√h + β³ⱼ I₍₁,₀₎/h + β⁴ⱼ I₍₁,₁,₁₎/h) ⊙ Gⱼ
            for (int i = 0; i < s; i++) {
                double a = h * tab.alpha[i], c1 = tab.beta1[i], c2 = tab.beta2[i], c3 = tab.beta3[i], c4 = tab.beta4[i];
                double[] fb = fbar[i], gb = gbar[i];
                for (int j = 0; j < n; j++) {
                    fb[j] = a * bar[j];
                    gb[j] = (c1 * w[j] + c2 * chi1[j] + c3 * chi2[j] + c4 * chi3[j]) * bar[j];
                }
            }
            // bar now accumulates the cotangent of u
            for (int i = s - 1; i >= 0; i--) {
                if (fLive[i]) {
                    fVjp.run(h0[i], t + tab.c0[i] * h, fbar[i], hbar0, gp, pbar);
                    for (int j = 0; j < n; j++) bar[j] += hbar0[j];
                    // H⁰ᵢ = u + h Σ A⁰ᵢⱼ Fⱼ + (Σ B⁰ᵢⱼ Gⱼ) ⊙ I₍₁,₀₎/h
                    int[] qs = a0q[i];
                    double[] cs = a0c[i];
                    for (int m = 0; m < qs.length; m++) addScaled(fbar[qs[m]], h * cs[m], hbar0);
                    qs = b0q[i];
                    cs = b0c[i];
                    for (int m = 0; m < qs.length; m++) {
                        double c = cs[m];
                        double[] gb = gbar[qs[m]];
                        for (int j = 0; j < n; j++) gb[j] += c * chi2[j] * hbar0[j];
                    }
                }
                if (gLive[i]) {
                    gVjp.run(h1[i], t + tab.c1[i] * h, gbar[i], hbar1, gp, pbar);
                    for (int j = 0; j < n; j++) bar[j] += hbar1[j];
                    // H¹ᵢ = u + h Σ A¹ᵢⱼ Fⱼ + √h Σ B¹ᵢⱼ Gⱼ
                    int[] qs = a1q[i];
                    double[] cs = a1c[i];
                    for (int m = 0; m < qs.length; m++) addScaled(fbar[qs[m]], h * cs[m], hbar1);
                    qs = b1q[i];
                    cs = b1c[i];
                    for (int m = 0; m < qs.length; m++) addScaled(gbar[qs[m]], sq * cs[m], hbar1);
                }
            }
        }

        /** The stage inputs H⁰ᵢ, H¹ᵢ as the forward pass kept them (the values f and g ran at; stage 0's are u). */
        private void kept(int k) {
            int sn = rec.sn, off = k * sn;
            double[] r0 = rec.in0, r1 = rec.in1;
            if (!dense) {   // dense4 reads stage 0's inputs, u, from x itself
                System.arraycopy(x, 0, h0[0], 0, n);
                System.arraycopy(x, 0, h1[0], 0, n);
            }
            for (int i = 1; i < s; i++, off += n) {
                double[] a = h0[i], b = h1[i];
                for (int j = 0; j < n; j++) {
                    a[j] = r0[off + j];
                    b[j] = r1[off + j];
                }
            }
        }

        /**
         * The general step's backward pass for the dense four-stage tableau (SOSRI), the sums written
         * out per component with the coefficients in locals, as SriStepper.attemptDense4 writes the
         * forward ones: the same products added to each cotangent in the same order, so the same
         * numbers. Stage i's two VJPs run back to back (g's reads only Gᵢ's cotangent, which f's
         * does not touch), then one pass adds both to the earlier stages' cotangents.
         */
        private void dense4(double t, double h, double sq, double[] bar) {
            SriDense4 c = dense4;
            double[] f0 = fbar[0], f1 = fbar[1], f2 = fbar[2], f3 = fbar[3];
            double[] g0 = gbar[0], g1 = gbar[1], g2 = gbar[2], g3 = gbar[3];
            double[] wv = w, y1 = chi1, y2 = chi2, y3 = chi3, u0 = hbar0, u1 = hbar1;
            double al0 = h * c.al0, al1 = h * c.al1, al2 = h * c.al2, al3 = h * c.al3;
            // the final weights in locals (the compiled loop would otherwise reload them per component)
            double c10 = c.p10, c11 = c.p11, c12 = c.p12, c13 = c.p13, c20 = c.p20, c21 = c.p21, c22 = c.p22, c23 = c.p23;
            double c30 = c.p30, c31 = c.p31, c32 = c.p32, c33 = c.p33, c40 = c.p40, c41 = c.p41, c42 = c.p42, c43 = c.p43;
            for (int j = 0; j < n; j++) {
                double b = bar[j], wj = wv[j], x1 = y1[j], x2 = y2[j], x3 = y3[j];
                f0[j] = al0 * b;
                g0[j] = (c10 * wj + c20 * x1 + c30 * x2 + c40 * x3) * b;
                f1[j] = al1 * b;
                g1[j] = (c11 * wj + c21 * x1 + c31 * x2 + c41 * x3) * b;
                f2[j] = al2 * b;
                g2[j] = (c12 * wj + c22 * x1 + c32 * x2 + c42 * x3) * b;
                f3[j] = al3 * b;
                g3[j] = (c13 * wj + c23 * x1 + c33 * x2 + c43 * x3) * b;
            }
            {   // stage 3
                fVjp.run(h0[3], t + c.c03 * h, f3, u0, gp, pbar);
                gVjp.run(h1[3], t + c.c13 * h, g3, u1, gp, pbar);
                double a00 = h * c.a030, a01 = h * c.a031, a02 = h * c.a032;
                double a10 = h * c.a130, a11 = h * c.a131, a12 = h * c.a132;
                double b00 = c.b030, b01 = c.b031, b02 = c.b032;
                double b10 = sq * c.b130, b11 = sq * c.b131, b12 = sq * c.b132;
                for (int j = 0; j < n; j++) {
                    double v0 = u0[j], v1 = u1[j], x2 = y2[j];
                    double b = bar[j];
                    b += v0;
                    b += v1;
                    bar[j] = b;
                    double q = f0[j];
                    q += a00 * v0;
                    q += a10 * v1;
                    f0[j] = q;
                    q = f1[j];
                    q += a01 * v0;
                    q += a11 * v1;
                    f1[j] = q;
                    q = f2[j];
                    q += a02 * v0;
                    q += a12 * v1;
                    f2[j] = q;
                    q = g0[j];
                    q += b00 * x2 * v0;
                    q += b10 * v1;
                    g0[j] = q;
                    q = g1[j];
                    q += b01 * x2 * v0;
                    q += b11 * v1;
                    g1[j] = q;
                    q = g2[j];
                    q += b02 * x2 * v0;
                    q += b12 * v1;
                    g2[j] = q;
                }
            }
            {   // stage 2
                fVjp.run(h0[2], t + c.c02 * h, f2, u0, gp, pbar);
                gVjp.run(h1[2], t + c.c12 * h, g2, u1, gp, pbar);
                double a00 = h * c.a020, a01 = h * c.a021;
                double a10 = h * c.a120, a11 = h * c.a121;
                double b00 = c.b020, b01 = c.b021;
                double b10 = sq * c.b120, b11 = sq * c.b121;
                for (int j = 0; j < n; j++) {
                    double v0 = u0[j], v1 = u1[j], x2 = y2[j];
                    double b = bar[j];
                    b += v0;
                    b += v1;
                    bar[j] = b;
                    double q = f0[j];
                    q += a00 * v0;
                    q += a10 * v1;
                    f0[j] = q;
                    q = f1[j];
                    q += a01 * v0;
                    q += a11 * v1;
                    f1[j] = q;
                    q = g0[j];
                    q += b00 * x2 * v0;
                    q += b10 * v1;
                    g0[j] = q;
                    q = g1[j];
                    q += b01 * x2 * v0;
                    q += b11 * v1;
                    g1[j] = q;
                }
            }
            {   // stage 1
                fVjp.run(h0[1], t + c.c01 * h, f1, u0, gp, pbar);
                gVjp.run(h1[1], t + c.c11 * h, g1, u1, gp, pbar);
                double a00 = h * c.a010, a10 = h * c.a110, b00 = c.b010, b10 = sq * c.b110;
                for (int j = 0; j < n; j++) {
                    double v0 = u0[j], v1 = u1[j];
                    double b = bar[j];
                    b += v0;
                    b += v1;
                    bar[j] = b;
                    double q = f0[j];
                    q += a00 * v0;
                    q += a10 * v1;
                    f0[j] = q;
                    q = g0[j];
                    q += b00 * y2[j] * v0;
                    q += b10 * v1;
                    g0[j] = q;
                }
            }
            // stage 0: H⁰₀ = H¹₀ = u
            fVjp.run(x, t + c.c00 * h, f0, u0, gp, pbar);
            gVjp.run(x, t + c.c10 * h, g0, u1, gp, pbar);
            for (int j = 0; j < n; j++) {
                double b = bar[j];
                b += u0[j];
                b += u1[j];
                bar[j] = b;
            }
        }

        /** The step's per-component ΔW and the iterated integrals over it, as SriStepper forms them. */
        private void noise(int k, double h, double sq) {
            int m = rec.m;
            for (int j = 0; j < n; j++) {
                int ch = m == 1 ? k : k * m + j;
                double wj = rec.dw[ch], lj = rec.lv[ch];
                w[j] = wj;
                chi1[j] = (wj * wj - h) / (2 * sq);
                chi2[j] = wj / 2 + lj;
                chi3[j] = (wj * wj * wj - 3 * h * wj) / (6 * h);
            }
        }

        /**
         * The stage inputs H⁰ᵢ, H¹ᵢ from the start state x (and F, G of all stages but the last,
         * which only u' reads; F₀ is the kept f(u, t)), each summed left to right over the nonzero
         * terms as the stepper sums it.
         */
        private void stages(int k, double t, double h, double sq) {
            for (int i = 0; i < s; i++) {
                double[] a = h0[i], b = h1[i];
                System.arraycopy(x, 0, a, 0, n);
                System.arraycopy(x, 0, b, 0, n);
                int[] qs = a0q[i];
                double[] cs = a0c[i];
                for (int m = 0; m < qs.length; m++) addScaled(a, h * cs[m], fv[qs[m]]);
                qs = b0q[i];
                cs = b0c[i];
                if (qs.length > 0) {
                    for (int j = 0; j < n; j++) {
                        double acc = 0.0;
                        for (int m = 0; m < qs.length; m++) acc += cs[m] * gv[qs[m]][j];
                        a[j] += acc * chi2[j];
                    }
                }
                qs = a1q[i];
                cs = a1c[i];
                for (int m = 0; m < qs.length; m++) addScaled(b, h * cs[m], fv[qs[m]]);
                qs = b1q[i];
                cs = b1c[i];
                for (int m = 0; m < qs.length; m++) addScaled(b, sq * cs[m], gv[qs[m]]);
                if (i == s - 1) break;
                if (i == 0 && tab.c0[0] == 0.0) System.arraycopy(rec.fu, k * n, fv[0], 0, n);   // H⁰₀ = u: the step's own f(u, t)
                else eval(fRun, a, t + tab.c0[i] * h, fv[i]);
                eval(gRun, b, t + tab.c1[i] * h, gv[i]);
            }
        }
    }

    /** acc += c·v. */
    private static void addScaled(double[] acc, double c, double[] v) {
        for (int j = 0; j < acc.length; j++) acc[j] += c * v[j];
    }

    /** The columns q < i of row with a nonzero entry. */
    private static int[] live(double[] row, int i) {
        int c = 0;
        for (int q = 0; q < i; q++) if (row[q] != 0.0) c++;
        int[] out = new int[c];
        for (int q = 0, m = 0; q < i; q++) if (row[q] != 0.0) out[m++] = q;
        return out;
    }

    private static double[] values(double[] row, int[] qs) {
        double[] out = new double[qs.length];
        for (int m = 0; m < qs.length; m++) out[m] = row[qs[m]];
        return out;
    }

    /**
     * Rößler's SRA step (additive noise, any noise form): G_i = g(u, t + c¹ᵢh), so g's VJPs are all
     * at the step's start; the products with the increments are g ⊙ w (diagonal), g·w₀ (scalar) or
     * g·w (general, g [n, m]), whose transposes give G's cotangents.
     */
    private final class SraSweep extends Sweep {
        private final SraTableau tab;
        private final NoiseKind noise;
        private final int m, gl;
        private final double[][] h0, fv, gv, fbar, gbar;
        private final double[] dw, chi2, hbar, nsum;

        SraSweep(Tensor u0, Tensor p, SraTableau tab) {
            super(u0, p, tab.stages());
            this.tab = tab;
            this.noise = spec.diffusion.noise();
            this.m = rec.m;
            this.gl = noise == NoiseKind.GENERAL ? n * m : n;
            h0 = new double[s][n];
            fv = new double[s][n];
            gv = new double[s][gl];
            fbar = new double[s][n];
            gbar = new double[s][gl];
            dw = new double[m];
            chi2 = new double[m];
            hbar = new double[n];
            nsum = new double[gl];
        }

        @Override void step(int k, double t, double h, double[] bar) {
            for (int c = 0; c < m; c++) {
                dw[c] = rec.dw[k * m + c];
                chi2[c] = dw[c] / 2 + rec.lv[k * m + c];
            }
            // G at the start (a stage with the c¹ of an earlier one reuses its value, as the stepper does)
            for (int i = 0; i < s; i++) {
                int same = sameAs(i);
                if (same >= 0) System.arraycopy(gv[same], 0, gv[i], 0, gl);
                else eval(gRun, x, t + tab.c1[i] * h, gv[i]);
            }
            // H⁰ᵢ = u + h Σ A⁰ᵢⱼ Fⱼ + noise(Σ B⁰ᵢⱼ Gⱼ, I₍₁,₀₎/h)
            for (int i = 0; i < s; i++) {
                double[] a = h0[i];
                Arrays.fill(nsum, 0.0);
                for (int q = 0; q < i; q++) {
                    double b0 = tab.b0[i][q];
                    if (b0 != 0.0) for (int j = 0; j < gl; j++) nsum[j] += b0 * gv[q][j];
                }
                applyNoise(nsum, chi2, a);
                for (int j = 0; j < n; j++) {
                    double s0 = 0.0;
                    for (int q = 0; q < i; q++) s0 += h * tab.a0[i][q] * fv[q][j];
                    a[j] += x[j] + s0;
                }
                if (i == 0 && tab.c0[0] == 0.0) System.arraycopy(rec.fu, k * n, fv[0], 0, n);   // H⁰₀ = u: the step's own f(u, t)
                else if (i < s - 1) eval(fRun, a, t + tab.c0[i] * h, fv[i]);
            }
            // u' = u + h Σ αⱼ Fⱼ + noise(Σ β¹ⱼ Gⱼ, ΔW) + noise(Σ β²ⱼ Gⱼ, I₍₁,₀₎/h)
            for (int i = 0; i < s; i++) {
                double a = h * tab.alpha[i];
                for (int j = 0; j < n; j++) fbar[i][j] = a * bar[j];
                Arrays.fill(gbar[i], 0.0);
                transposeNoise(bar, dw, tab.beta1[i], gbar[i]);
                transposeNoise(bar, chi2, tab.beta2[i], gbar[i]);
            }
            for (int i = s - 1; i >= 0; i--) {
                if (allZero(fbar[i])) continue;
                fVjp.run(h0[i], t + tab.c0[i] * h, fbar[i], hbar, gp, pbar);
                for (int j = 0; j < n; j++) bar[j] += hbar[j];
                for (int q = 0; q < i; q++) {
                    double a0 = h * tab.a0[i][q];
                    if (a0 != 0.0) for (int j = 0; j < n; j++) fbar[q][j] += a0 * hbar[j];
                    transposeNoise(hbar, chi2, tab.b0[i][q], gbar[q]);
                }
            }
            // every G is g at the start: one VJP per distinct c¹ with the summed cotangent
            for (int i = s - 1; i >= 0; i--) {
                int same = sameAs(i);
                if (same >= 0) {
                    for (int j = 0; j < gl; j++) gbar[same][j] += gbar[i][j];
                    continue;
                }
                if (allZero(gbar[i])) continue;
                gVjp.run(x, t + tab.c1[i] * h, gbar[i], hbar, gp, pbar);
                for (int j = 0; j < n; j++) bar[j] += hbar[j];
            }
        }

        /** The earliest stage before i with the same c¹ (whose g value the stepper reuses), or -1. */
        private int sameAs(int i) {
            for (int j = 0; j < i; j++) if (tab.c1[j] == tab.c1[i]) return j;
            return -1;
        }

        /** out = noise(g, w): g ⊙ w, g·w₀ or the matrix product, by the problem's noise form. */
        private void applyNoise(double[] g, double[] w, double[] out) {
            for (int j = 0; j < n; j++) {
                out[j] = switch (noise) {
                    case DIAGONAL -> g[j] * w[j];
                    case SCALAR -> g[j] * w[0];
                    case GENERAL -> {
                        double acc = 0.0;
                        for (int c = 0; c < m; c++) acc += g[j * m + c] * w[c];
                        yield acc;
                    }
                };
            }
        }

        /** gbar += coef·(the transpose of g ↦ noise(g, w)) applied to v. */
        private void transposeNoise(double[] v, double[] w, double coef, double[] gb) {
            if (coef == 0.0) return;
            for (int j = 0; j < n; j++) {
                double cv = coef * v[j];
                switch (noise) {
                    case DIAGONAL -> gb[j] += cv * w[j];
                    case SCALAR -> gb[j] += cv * w[0];
                    case GENERAL -> {
                        for (int c = 0; c < m; c++) gb[j * m + c] += cv * w[c];
                    }
                }
            }
        }
    }

    private static boolean allZero(double[] x) {
        for (double v : x) if (v != 0.0) return false;
        return true;
    }
}
