package dev.fluxion.diffeq.ode;

import dev.fluxion.diffeq.ErrorNorm;
import dev.fluxion.diffeq.PIController;
import dev.fluxion.diffeq.StateOps;
import dev.fluxion.diffeq.Step;
import dev.fluxion.diffeq.Stepper;

/**
 * The one stepper of every explicit Runge–Kutta method: it reads a {@link ExplicitRkTableau}
 * and does the rest. Each stage sum is a single fused {@code linearCombination} (one tape node
 * under reverse mode), structural zeros of the tableau are skipped, and the error estimate is
 * formed on primal values (step control is detached from every derivative level). It is generic
 * over the state arithmetic, so the same code runs on tensors (AD modes) and flat arrays (plain
 * solves of a compiled right-hand side).
 */
public final class ExplicitRkStepper<S> implements Stepper<S> {
    private final ExplicitRkTableau tab;
    private final StateOps<S> ops;
    private final PIController controller;
    private final int s;
    private final int[][] stageDeps;      // nonzero a_ij per stage
    private final double[][] stageA;
    private final int[] bDeps;
    private final double[] bVals;
    private final int[] errDeps;
    private final double[] errVals;
    private final RkInterpolant interp;
    private final boolean firstExtraIsFnew;
    // Scratch reused across steps (one stepper per solve, one thread): every StateOps.combine either
    // consumes the coefficients and operands at once or copies them (the AD op clones them).
    private final double[][] coefScratch;
    private final S[][] operandScratch;
    private final double[][] errScratch;
    private double[] weightScratch;

    public ExplicitRkStepper(ExplicitRkTableau tab, StateOps<S> ops, PIController controller) {
        this.tab = tab;
        this.ops = ops;
        this.controller = controller;
        this.s = tab.stages();
        this.stageDeps = new int[s][];
        this.stageA = new double[s][];
        for (int i = 0; i < s; i++) {
            int nz = 0;
            for (int j = 0; j < i; j++) if (tab.a(i, j) != 0.0) nz++;
            stageDeps[i] = new int[nz];
            stageA[i] = new double[nz];
            for (int j = 0, m = 0; j < i; j++) {
                if (tab.a(i, j) != 0.0) {
                    stageDeps[i][m] = j;
                    stageA[i][m++] = tab.a(i, j);
                }
            }
        }
        int nb = 0;
        for (int j = 0; j < s; j++) if (tab.b(j) != 0.0) nb++;
        bDeps = new int[nb];
        bVals = new double[nb];
        for (int j = 0, m = 0; j < s; j++) if (tab.b(j) != 0.0) { bDeps[m] = j; bVals[m++] = tab.b(j); }
        if (tab.adaptive()) {
            int ne = 0;
            for (int j = 0; j < s; j++) if (tab.btilde(j) != 0.0) ne++;
            errDeps = new int[ne];
            errVals = new double[ne];
            for (int j = 0, m = 0; j < s; j++) if (tab.btilde(j) != 0.0) { errDeps[m] = j; errVals[m++] = tab.btilde(j); }
        } else {
            errDeps = new int[0];
            errVals = new double[0];
        }
        this.interp = tab.interpolant();
        boolean fnewFirst = false;
        if (interp != null && interp.extraStages() > 0 && interp.cExtra(0) == 1.0) {
            double[] row = interp.aExtraRow(0);
            fnewFirst = true;
            for (int j = 0; j < s; j++) if (row[j] != tab.b(j)) { fnewFirst = false; break; }
        }
        this.firstExtraIsFnew = fnewFirst;
        int maxTerms = s + 1 + (interp == null ? 0 : interp.extraStages());
        this.coefScratch = new double[maxTerms + 1][];
        this.operandScratch = newOperandScratch(ops, maxTerms + 1);
        this.errScratch = new double[errDeps.length][];
    }

    @SuppressWarnings("unchecked")
    private static <S> S[][] newOperandScratch(StateOps<S> ops, int n) {
        S[][] a = (S[][]) java.lang.reflect.Array.newInstance(ops.newArray(0).getClass(), n);
        for (int i = 0; i < n; i++) a[i] = ops.newArray(i);
        return a;
    }

    /** Scratch coefficient and operand arrays of length n. */
    private double[] coef(int n) {
        double[] c = coefScratch[n];
        if (c == null) coefScratch[n] = c = new double[n];
        return c;
    }

    @Override public int order() { return tab.order(); }

    @Override public boolean adaptive() { return tab.adaptive(); }

    @Override public PIController defaultController() { return controller; }

    @Override public StateOps<S> ops() { return ops; }

    public ExplicitRkTableau tableau() { return tab; }

    /** A stage input u + h Σ coef_m k[deps_m] (passive components may be skipped). */
    private S combineStage(S u, double h, int[] deps, double[] coef, S[] k) {
        if (deps.length == 0) return u;
        double[] c = coef(deps.length + 1);
        S[] xs = operandScratch[deps.length + 1];
        c[0] = 1.0;
        xs[0] = u;
        for (int m = 0; m < deps.length; m++) {
            c[m + 1] = h * coef[m];
            xs[m + 1] = k[deps[m]];
        }
        return ops.combineStageInput(c, xs);
    }

    /** u + h Σ coef_m k[deps_m]. */
    private S combine(S u, double h, int[] deps, double[] coef, S[] k) {
        if (deps.length == 0) return u;
        double[] c = coef(deps.length + 1);
        S[] xs = operandScratch[deps.length + 1];
        c[0] = 1.0;
        xs[0] = u;
        for (int m = 0; m < deps.length; m++) {
            c[m + 1] = h * coef[m];
            xs[m + 1] = k[deps[m]];
        }
        return ops.combine(c, xs);
    }

    @Override public Step<S> attempt(double t, S u, S fu, double h, ErrorNorm norm) {
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
        if (tab.adaptive()) err = error(u, unew, k, h, norm);
        return new Step<>(t, h, u, fu, unew, fnew, err, k);
    }

    /** The embedded error estimate h Σ btilde_i k_i, weighted; primal values only. */
    private double error(S u, S unew, S[] k, double h, ErrorNorm norm) {
        double[] uu = ops.values(u), un = ops.values(unew);
        int n = ops.normLength();
        double sum = 0.0;
        int ne = errDeps.length;
        double[][] kd = errScratch;
        for (int m = 0; m < ne; m++) kd[m] = ops.values(k[errDeps[m]]);
        double atol = norm.scalarAtol(), rtol = norm.rtol();
        for (int i = 0; i < n; i++) {
            double e = 0.0;
            for (int m = 0; m < ne; m++) e += errVals[m] * kd[m][i];
            double sc = atol == atol ? atol + rtol * Math.max(Math.abs(uu[i]), Math.abs(un[i])) : norm.scale(i, uu[i], un[i]);
            double r = h * e / sc;
            sum += r * r;
        }
        if (n == 0) return 0.0;
        double est = Math.sqrt(sum / n);
        return Double.isFinite(est) ? est : Double.NaN;
    }

    @Override public boolean interpolationNeedsFnew() {
        return interp == null || firstExtraIsFnew;
    }

    @Override public S interpolate(Step<S> step, double theta) {
        if (interp == null) return hermite(step, theta);
        S[] all = stagesForInterpolation(step);
        if (weightScratch == null) weightScratch = new double[all.length];
        double[] w = weightScratch;
        interp.weights(theta, w);
        int nz = 0;
        for (double x : w) if (x != 0.0) nz++;
        double[] c = coef(nz + 1);
        S[] xs = operandScratch[nz + 1];
        c[0] = 1.0;
        xs[0] = step.u;
        for (int i = 0, m = 1; i < all.length; i++) {
            if (w[i] != 0.0) {
                c[m] = step.h * w[i];
                xs[m++] = all[i];
            }
        }
        return ops.combine(c, xs);
    }

    /** The step's stages plus the interpolant's extra stages, computed once per step on demand. */
    @SuppressWarnings("unchecked")
    private S[] stagesForInterpolation(Step<S> step) {
        int e = interp.extraStages();
        if (e == 0) return step.stages;
        if (step.extra != null) return (S[]) step.extra;
        S[] all = ops.newArray(s + e);
        System.arraycopy(step.stages, 0, all, 0, s);
        for (int r = 0; r < e; r++) {
            int i = s + r;
            if (r == 0 && firstExtraIsFnew) {
                if (step.fnew == null) step.fnew = ops.eval(step.unew, step.tEnd());
                all[i] = step.fnew;
                continue;
            }
            double[] row = interp.aExtraRow(r);
            int nz = 0;
            for (double x : row) if (x != 0.0) nz++;
            int[] deps = new int[nz];
            double[] coef = new double[nz];
            for (int j = 0, m = 0; j < row.length; j++) if (row[j] != 0.0) { deps[m] = j; coef[m++] = row[j]; }
            S ui = combine(step.u, step.h, deps, coef, all);
            all[i] = ops.eval(ui, step.t + interp.cExtra(r) * step.h);
        }
        step.extra = all;
        return all;
    }

    /** Cubic Hermite interpolation from the end values and derivatives (third order). */
    private S hermite(Step<S> step, double theta) {
        if (step.fnew == null) step.fnew = ops.eval(step.unew, step.tEnd());
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
