package dev.fluxion.diffeq.ode;

import dev.fluxion.diffeq.EmbeddedError;
import dev.fluxion.diffeq.ErrorNorm;
import dev.fluxion.diffeq.FlatStateOps;
import dev.fluxion.diffeq.StateOps;
import dev.fluxion.diffeq.Step;
import dev.fluxion.diffeq.StepController;
import dev.fluxion.diffeq.Stepper;

/**
 * The one stepper of every explicit Runge–Kutta method: it reads a {@link ExplicitRkTableau}
 * and does the rest. Each stage sum is a single fused {@code linearCombination} (one tape node
 * under reverse mode), structural zeros of the tableau are skipped, and the error estimate is
 * formed on primal values (step control is detached from every derivative level). It is generic
 * over the state arithmetic, so the same code runs on tensors (AD modes) and flat arrays (plain
 * solves of a compiled right-hand side).
 *
 * <p>On flat arrays the hot loop ({@link #attempt}, the saveat interpolation) runs a copy typed on
 * {@link FlatStateOps}, a final class, so its calls are bound statically: in a JVM that has also
 * solved on tensors (an AD mode, another problem), the generic code's call sites see both plans,
 * and C2 inlining both behind type checks made the compiled {@code attempt} too large to inline
 * the rest (docs/BENCHMARKS.md, "Polymorphic call sites"). Both copies compute the same numbers.
 */
public final class ExplicitRkStepper<S> implements Stepper<S, RkStages<S>> {
    private final ExplicitRkTableau tab;
    private final StateOps<S> ops;
    /** ops when it is the flat plan (then the typed copies of the hot code run), else null. */
    private final FlatStateOps flat;
    private final StepController controller;
    private final int s;
    // the tableau's nonzero terms (RkTerms, shared by every stepper of the tableau; read-only)
    private final int[][] stageDeps;      // nonzero a_ij per stage
    private final double[][] stageA;
    private final int[] bDeps;
    private final double[] bVals;
    private final EmbeddedError errorEstimate;
    private final RkInterpolant interp;
    private final boolean firstExtraIsFnew;
    private final int[][] extraDeps;      // nonzero coefficients of the interpolant's extra stages
    private final double[][] extraA;
    // Scratch reused across steps (one stepper per solve, one thread), primitive arrays only.
    private final double[] weightScratch;
    private final int[] allStages;        // 0, 1, ..., s + e − 1
    /**
     * On the flat plan, when the integrator says no step outlives the next attempt
     * ({@link #reuseStepScratch}) and f writes into a given array: the previous attempt's stage
     * array, whose intermediate stages k[1 .. last−1] the next attempt overwrites in place (never
     * k[0] = fu, never FSAL's k[s−1], which becomes the next fu, never unew). Null otherwise: each
     * step gets fresh stages, as dense output and the adjoint sweeps need.
     */
    private double[][] reusedStages;
    private boolean reuse;

    public ExplicitRkStepper(ExplicitRkTableau tab, StateOps<S> ops, StepController controller) {
        this.tab = tab;
        this.ops = ops;
        this.flat = ops instanceof FlatStateOps f ? f : null;
        this.controller = controller;
        this.s = tab.stages();
        RkTerms terms = tab.terms();
        this.stageDeps = terms.stageDeps;
        this.stageA = terms.stageA;
        this.bDeps = terms.bDeps;
        this.bVals = terms.bVals;
        this.errorEstimate = new EmbeddedError(terms.errDeps, terms.errVals);
        this.interp = tab.interpolant();
        this.firstExtraIsFnew = terms.firstExtraIsFnew;
        this.extraDeps = terms.extraDeps;
        this.extraA = terms.extraA;
        this.allStages = terms.allStages;
        this.weightScratch = new double[allStages.length];
    }


    @Override public int order() { return tab.order(); }

    @Override public boolean adaptive() { return tab.adaptive(); }

    @Override public int errorOrder() { return Math.min(tab.order(), tab.embeddedOrder()) + 1; }

    @Override public StepController defaultController() { return controller; }

    @Override public StateOps<S> ops() { return ops; }

    public ExplicitRkTableau tableau() { return tab; }

    @Override public void reuseStepScratch(boolean allowed) {
        reuse = allowed && flat != null && flat.evaluatesInPlace();
        reusedStages = null;
    }

    /** A stage input u + h Σ coef_m k[deps_m] (passive components may be skipped). */
    private S combineStage(S u, double h, int[] deps, double[] coef, S[] k) {
        return deps.length == 0 ? u : ops.rkSum(u, h, coef, deps, k, true);
    }

    /** u + h Σ coef_m k[deps_m]. */
    private S combine(S u, double h, int[] deps, double[] coef, S[] k) {
        return deps.length == 0 ? u : ops.rkSum(u, h, coef, deps, k, false);
    }

    @SuppressWarnings("unchecked")
    @Override public Step<S, RkStages<S>> attempt(double t, S u, S fu, double h, ErrorNorm norm) {
        if (flat != null) return (Step<S, RkStages<S>>) (Step<?, ?>) attemptFlat(t, (double[]) u, (double[]) fu, h, norm);
        S[] k = ops.newArray(s);
        k[0] = fu;
        boolean fsal = tab.fsal();
        int last = fsal ? s - 1 : s;
        for (int i = 1; i < last; i++) {
            S ui = combineStage(u, h, stageDeps[i], stageA[i], k);
            k[i] = ops.eval(ui, t + tab.c(i) * h);
        }
        S unew = combine(u, h, bDeps, bVals, k);
        S fnew = null;
        if (fsal) {
            fnew = ops.eval(unew, t + h);
            k[s - 1] = fnew;
        }
        double err = 0.0;
        if (tab.adaptive()) err = errorEstimate.of(ops, norm, h, k, u, unew);   // h Σ btilde_i k_i
        return new Step<>(t, h, u, fu, unew, fnew, err, new RkStages<>(k));
    }

    /** {@link #attempt} on the flat plan: the same steps, every call on the final class FlatStateOps. */
    private Step<double[], RkStages<double[]>> attemptFlat(double t, double[] u, double[] fu, double h, ErrorNorm norm) {
        FlatStateOps f = flat;
        boolean fsal = tab.fsal();
        int last = fsal ? s - 1 : s;
        double[][] k;
        if (reuse && reusedStages != null) {
            // the previous step is dead (reuseStepScratch): its intermediate stage arrays take this
            // step's values. None of them is u (the previous unew), fu (its FSAL k[s−1] or a fresh
            // f) or this step's stage input, so f never writes into one of its own arguments.
            k = reusedStages;
            k[0] = fu;
            for (int i = 1; i < last; i++) {
                int[] deps = stageDeps[i];
                double[] ui = deps.length == 0 ? u : f.rkSum(u, h, stageA[i], deps, k, true);
                f.eval(ui, t + tab.c(i) * h, k[i]);
            }
        } else {
            k = new double[s][];
            k[0] = fu;
            for (int i = 1; i < last; i++) {
                int[] deps = stageDeps[i];
                double[] ui = deps.length == 0 ? u : f.rkSum(u, h, stageA[i], deps, k, true);
                k[i] = f.eval(ui, t + tab.c(i) * h);
            }
            if (reuse) reusedStages = k;
        }
        double[] unew = bDeps.length == 0 ? u : f.rkSum(u, h, bVals, bDeps, k, false);
        double[] fnew = null;
        if (fsal) {
            fnew = f.eval(unew, t + h);
            k[s - 1] = fnew;
        }
        double err = 0.0;
        if (tab.adaptive()) err = errorEstimate.ofFlat(f.normLength(), norm, h, k, u, unew);
        return new Step<>(t, h, u, fu, unew, fnew, err, new RkStages<>(k));
    }

    @Override public boolean interpolationNeedsFnew() {
        return interp == null || firstExtraIsFnew;
    }

    @SuppressWarnings("unchecked")
    @Override public S interpolate(Step<S, RkStages<S>> step, double theta) {
        if (interp == null) return hermite(step, theta);
        S[] all = stagesForInterpolation(step);
        if (flat != null) {
            double[] u = (double[]) step.u;
            if (u.length == 2 || u.length == 3) {   // LV, Lorenz: weights and sums fused, the same bits
                double[] out = new double[u.length];
                interp.interpolateSmall(theta, step.h, u, (double[][]) all, out);
                return (S) out;
            }
        }
        double[] w = weightScratch;
        interp.weights(theta, w);
        if (flat != null) return (S) flat.rkSum((double[]) step.u, step.h, w, allStages, (double[][]) all, false);
        return ops.rkSum(step.u, step.h, w, allStages, all, false);   // zero weights are skipped
    }

    /** The step's stages plus the interpolant's extra stages, computed once per step on demand. */
    private S[] stagesForInterpolation(Step<S, RkStages<S>> step) {
        int e = interp.extraStages();
        RkStages<S> cache = step.cache;
        if (e == 0) return cache.k;
        if (cache.withExtras != null) return cache.withExtras;
        S[] all = ops.newArray(s + e);
        System.arraycopy(cache.k, 0, all, 0, s);
        for (int r = 0; r < e; r++) {
            int i = s + r;
            if (r == 0 && firstExtraIsFnew) {
                if (step.fnew == null) step.fnew = ops.eval(step.unew, step.t + step.h);
                all[i] = step.fnew;
                continue;
            }
            S ui = combineStage(step.u, step.h, extraDeps[r], extraA[r], all);
            all[i] = ops.eval(ui, step.t + interp.cExtra(r) * step.h);
        }
        cache.withExtras = all;
        return all;
    }

    /** Cubic Hermite interpolation from the end values and derivatives (third order). */
    private S hermite(Step<S, RkStages<S>> step, double theta) {
        if (step.fnew == null) step.fnew = ops.eval(step.unew, step.t + step.h);
        double th = theta, th2 = th * th, th3 = th2 * th;
        double h00 = 2 * th3 - 3 * th2 + 1, h10 = th3 - 2 * th2 + th, h01 = -2 * th3 + 3 * th2, h11 = th3 - th2;
        S[] xs = ops.newArray(4);
        xs[0] = step.u;
        xs[1] = step.fu;
        xs[2] = step.unew;
        xs[3] = step.fnew;
        return ops.combine(new double[] {h00, h10 * step.h, h01, h11 * step.h}, xs);
    }
}
