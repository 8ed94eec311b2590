package dev.fluxion.diffeq.stiff;

import dev.fluxion.diffeq.ErrorNorm;
import dev.fluxion.diffeq.Factorization;
import dev.fluxion.diffeq.Jacobian;
import dev.fluxion.diffeq.StateOps;
import dev.fluxion.diffeq.Step;
import dev.fluxion.diffeq.StepController;
import dev.fluxion.diffeq.Stepper;
import dev.fluxion.tensor.LinearCombination;
import dev.fluxion.tensor.LuDecomposition;
import dev.fluxion.tensor.Shape;
import dev.fluxion.tensor.Tensor;

/**
 * The one stepper of every ESDIRK method ({@link EsdirkTableau}), over any state plan.
 *
 * <p><b>Newton.</b> Each implicit stage solves M Z = Σ_{j&lt;i} a_ij z_j + γh f(u + Z) for the
 * stage increment Z by simplified Newton with W = M/(γh) − J, on primal values (plain arrays):
 * J is taken at the point a step starts from and kept, with its LU, across stages and across
 * steps (OrdinaryDiffEq.jl's and CVODE's reuse): W is refactored only when c = 1/(γh) moved by
 * more than 30% since its factorisation, and J is taken afresh when Newton converged slowly
 * (rate θ &gt; 0.2), failed, or is 20 accepted steps old. Iterations stop by Hairer–Wanner's test
 * (IV.8, (8.10)–(8.13)): with the rate θ_k = ‖ΔZ_k‖/‖ΔZ_{k−1}‖ and η = θ/(1 − θ) (η from the last
 * solve for the first iteration), converged when η‖ΔZ‖ ≤ κ = 0.01 in the solve's error norm;
 * or when ‖ΔZ‖ is at roundoff level (max(1e-5, 100ε/rtol)); θ ≥ 1, a predicted miss after {@value #MAX_ITERATIONS} iterations or a non-finite value is a
 * failure. A failure with an old J retries the step once with a fresh J; with a fresh J the step
 * is rejected (error NaN: the controller shrinks h hard), so a solve never hangs in Newton.
 *
 * <p><b>Derivatives.</b> Newton runs on numbers. When the solve carries derivatives (dual lanes
 * or a tape on the tensor plan), each converged stage Z* is then corrected by one Newton step in
 * differentiable ops with the exact Jacobian at the converged point,
 * Z = Z* − (M − γhJ(u + Z*))⁻¹ (M Z* − Σ a_ij z_j − γh f(u + Z*)), with Z* a constant: its value is
 * Z* (plus a residual-sized correction) and its derivative is exactly the implicit-function
 * theorem's, (M − γhJ)⁻¹ (Σ a_ij dz_j + γh ∂f·d(u, p)), so gradients through the Newton solves are
 * those of the discrete method whatever the iteration count.
 *
 * <p><b>Error and dense output.</b> The estimate Σ btilde_j z_j is filtered by (M − γhJ)⁻¹
 * (Hosea–Shampine; OrdinaryDiffEq.jl's smooth_est), which keeps it meaningful for stiff
 * components, and weighed on primal values. Stage derivatives are recovered from the converged
 * increments, z_i = (M Z_i − Σ_{j&lt;i} a_ij z_j)/γ (no extra evaluation, consistent for DAEs);
 * z_s/h is f at the new state (FSAL).
 */
public final class EsdirkStepper<S> implements Stepper<S, EsdirkCache<S>>, StiffnessEstimate {
    static final int MAX_ITERATIONS = 10;
    private static final double KAPPA = 0.01;
    /** A rate above this marks J for renewal at the next step (OrdinaryDiffEq.jl's fast_convergence_cutoff). */
    private static final double SLOW_RATE = 0.2;
    /** Refactor W when c = 1/(γh) changed by more than this fraction (CVODE's dgmax is 0.3). */
    private static final double REFACTOR_CHANGE = 0.3;
    private static final int MAX_JACOBIAN_AGE = 20;

    private final EsdirkTableau tab;
    private final StateOps<S> ops;
    private final StepController controller;
    private final double[] mass;
    private final int s;
    private final double gamma;
    private final int[] allStages;
    private final double[] denseScratch;

    // J (primal, row-major) with the point it was taken at, and W = c·M − J's LU
    private double[] jac;
    private S jacU;
    private double jacT;
    private boolean renewJ;
    private int jacAge;
    private LuDecomposition lu;
    /**
     * A structured J whose values() is not all of it (an adjoint system's block Jacobian, on the
     * flat plan only) factors W itself; then this is its factorisation and lu is unused.
     */
    private Jacobian<double[]> structured;
    private Factorization<double[]> wStructured;
    private double[] w;
    private double luC = Double.NaN;
    private double etaOld = 1.0;
    private double lastT = Double.NaN;
    private double[] errScratch = new double[0];
    /** The converged stage increments Z_i = U_i − u of the current attempt (with a singular M they are not functions of the z_j). */
    private double[][] incr;
    private int jacobians, factorizations, iterations, failures;

    public EsdirkStepper(EsdirkTableau tab, StateOps<S> ops, StepController controller, double[] mass) {
        this.tab = tab;
        this.ops = ops;
        this.controller = controller;
        this.mass = mass;
        this.s = tab.stages();
        this.gamma = tab.gamma();
        this.allStages = new int[s];
        for (int j = 0; j < s; j++) allStages[j] = j;
        this.denseScratch = new double[s];
    }

    @Override public int order() { return tab.order(); }

    @Override public int errorOrder() { return Math.min(tab.order(), tab.embeddedOrder()) + 1; }

    @Override public boolean adaptive() { return true; }

    @Override public StepController defaultController() { return controller; }

    @Override public StateOps<S> ops() { return ops; }

    public EsdirkTableau tableau() { return tab; }

    /** Jacobians taken so far (far fewer than steps when Newton converges well). */
    public int jacobians() { return jacobians; }

    /** W factorisations so far (on step-size changes beyond 30% and new Jacobians). */
    public int factorizations() { return factorizations; }

    /** Newton iterations so far, over all stages and attempts. */
    public int newtonIterations() { return iterations; }

    /** Newton solves that failed (diverged, too slow, or not finite). */
    public int newtonFailures() { return failures; }

    @Override public double eigenEstimate() { return jac == null ? Double.NaN : StiffnessEstimate.normInf(jac, (int) Math.round(Math.sqrt(jac.length))); }

    @Override public Step<S, EsdirkCache<S>> attempt(double t, S u, S fu, double h, ErrorNorm norm) {
        double[] uv = ops.values(u);
        int n = uv.length;
        Shape shape = ops.tensor(u).shape();
        boolean carries = !ops.tensor(u).isPrimal() || !ops.tensor(fu).isPrimal();
        if (t != lastT && !Double.isNaN(lastT)) {   // the previous attempt was accepted
            if (++jacAge >= MAX_JACOBIAN_AGE) renewJ = true;
        }
        lastT = t;
        if (mass != null && lastStep != null && lastStep.cache.z != null && u == lastStep.unew) remember(lastStep);
        double c = 1.0 / (gamma * h);
        for (int pass = 0; pass < 2; pass++) {
            boolean fresh = jac != null && jacU == u && jacT == t;
            if (jac == null || (renewJ && !fresh)) {
                takeJacobian(carries ? ops.state(Tensor.of(shape, uv.clone())) : u, t, n);
                jacU = u;
                jacT = t;
                fresh = true;
                luC = Double.NaN;
            }
            renewJ = false;
            if (Double.isNaN(luC) || Math.abs(c / luC - 1.0) > REFACTOR_CHANGE) factor(c, n);
            if (wStructured != null ? wStructured.singular() : lu.isSingular()) {
                if (fresh) return rejected(t, h, u, fu, shape);
                renewJ = true;
                continue;
            }
            double[][] z = newtonStages(t, uv, ops.values(fu), h, norm, n);
            if (z != null) return lastStep = finish(t, h, u, fu, uv, z, norm, carries, shape, n);
            failures++;
            renewJ = true;
            if (fresh) return rejected(t, h, u, fu, shape);
        }
        return rejected(t, h, u, fu, shape);
    }

    private void takeJacobian(S x, double t, int n) {
        Jacobian<S> j = ops.jacobian(x, t);
        jac = j.values().clone();
        @SuppressWarnings("unchecked") Jacobian<double[]> flat = j.complete() ? null : (Jacobian<double[]>) j;   // incomplete ones are flat
        structured = flat;
        jacobians++;
        jacAge = 0;
    }

    /** x ← W⁻¹x in place, by whichever factorisation holds W. */
    private void solveW(double[] x) {
        if (wStructured == null) {
            lu.solve(x);
            return;
        }
        double[] y = wStructured.solve(x);
        System.arraycopy(y, 0, x, 0, x.length);
    }

    /** W = c·M − J factored (primal; the LU's storage is reused). */
    private void factor(double c, int n) {
        if (structured != null) {
            wStructured = structured.factorW(c, mass);
            luC = c;
            factorizations++;
            return;
        }
        wStructured = null;
        if (lu == null || w.length != n * n) {
            lu = new LuDecomposition(n);
            w = new double[n * n];
        }
        for (int i = 0; i < n * n; i++) w[i] = -jac[i];
        if (mass == null) {
            for (int i = 0; i < n; i++) w[i * n + i] += c;
        } else {
            for (int i = 0; i < n * n; i++) w[i] += c * mass[i];
        }
        lu.refactor(w);
        luC = c;
        factorizations++;
    }

    /** The stage derivatives z_j = h f(U_j) on numbers, or null when Newton failed in some stage. */
    private double[][] newtonStages(double t, double[] uv, double[] fuv, double h, ErrorNorm norm, int n) {
        double hg = h * gamma;
        double[][] z = new double[s][n];
        incr = new double[s][];
        for (int k = 0; k < n; k++) z[0][k] = h * fuv[k];
        double[] tmp = new double[n], zz = new double[n], x = new double[n], r = new double[n], mz = new double[n];
        int nn = Math.min(ops.normLength(), n);
        for (int i = 1; i < s; i++) {
            double ti = t + tab.c(i) * h;
            java.util.Arrays.fill(tmp, 0.0);
            for (int j = 0; j < i; j++) {
                double a = tab.a(i, j);
                if (a == 0.0) continue;
                double[] zj = z[j];
                for (int k = 0; k < n; k++) tmp[k] += a * zj[k];
            }
            // predictor: Z⁰ = Σ a_ij z_j + γ Σ α_ij z_j (the tableau's extrapolation of the stage derivatives)
            System.arraycopy(tmp, 0, zz, 0, n);
            for (int j = 0; j < i; j++) {
                double al = gamma * tab.predictor(i, j);
                if (al == 0.0) continue;
                double[] zj = z[j];
                for (int k = 0; k < n; k++) zz[k] += al * zj[k];
            }
            double ndzOld = Double.NaN, eta = Math.pow(Math.max(etaOld, 1e-16), 0.8);
            double floor = Math.max(1e-5, 100 * Math.ulp(1.0) / norm.rtol());
            boolean converged = false;
            for (int it = 0; it < MAX_ITERATIONS; it++) {
                iterations++;
                for (int k = 0; k < n; k++) x[k] = uv[k] + zz[k];
                double[] fx = ops.evalValues(x, ti);
                multiplyMass(zz, mz, n);
                // residual of M Z = Σ a_ij z_j + γh f(u + Z), scaled for W = c_W M − J ≈ (M − γhJ)/(γh)
                for (int k = 0; k < n; k++) r[k] = (tmp[k] + hg * fx[k] - mz[k]) / hg;
                solveW(r);
                for (int k = 0; k < n; k++) zz[k] += r[k];
                double ndz = norm.scaled(r, uv, nn);
                if (!Double.isFinite(ndz)) return null;
                if (it > 0) {
                    double theta = ndz / ndzOld;
                    if (theta >= 1.0) return null;
                    if (theta > SLOW_RATE) renewJ = true;
                    eta = theta / (1.0 - theta);
                    // too slow: the iterations left cannot reach the tolerance (Hairer–Wanner IV (8.11))
                    if (ndz > 0 && Math.pow(theta, MAX_ITERATIONS - 1 - it) / (1.0 - theta) * ndz > KAPPA) return null;
                }
                // converged: the predicted remaining error is below κ, or the correction is at roundoff level
                // (the weighted norm of an ε-relative change is ε/rtol: tight rtol makes that visible)
                if (eta * ndz <= KAPPA || ndz <= floor) {
                    converged = true;
                    break;
                }
                ndzOld = ndz;
            }
            if (!converged) return null;
            etaOld = eta;
            incr[i] = zz.clone();
            multiplyMass(zz, mz, n);
            double[] zi = z[i];
            for (int k = 0; k < n; k++) zi[k] = (mz[k] - tmp[k]) / gamma;
        }
        return z;
    }

    private void multiplyMass(double[] x, double[] out, int n) {
        if (mass == null) {
            System.arraycopy(x, 0, out, 0, n);
            return;
        }
        for (int i = 0; i < n; i++) {
            double acc = 0.0;
            for (int k = 0; k < n; k++) acc += mass[i * n + k] * x[k];
            out[i] = acc;
        }
    }

    /** The step from the converged stages: states of the plan, the corrected stages when derivatives flow, the filtered error. */
    private Step<S, EsdirkCache<S>> finish(double t, double h, S u, S fu, double[] uv, double[][] z, ErrorNorm norm,
                                          boolean carries, Shape shape, int n) {
        double hg = h * gamma;
        // the error estimate on numbers: (M − γhJ)⁻¹ Σ btilde_j z_j = W⁻¹ (Σ btilde_j z_j)/(γh)
        double[] est = new double[n];
        for (int j = 0; j < s; j++) {
            double b = tab.btilde(j);
            if (b == 0.0) continue;
            for (int k = 0; k < n; k++) est[k] += b * z[j][k];
        }
        for (int k = 0; k < n; k++) est[k] /= hg;
        solveW(est);
        double[] unewv = new double[n];
        double[] zs1 = incr[s - 1];
        for (int k = 0; k < n; k++) unewv[k] = uv[k] + zs1[k];   // stiffly accurate: u_new = U_s
        int nn = Math.min(ops.normLength(), n);
        if (errScratch.length < n && n > LinearCombination.SMALL) errScratch = new double[n];
        double err = norm.ofSum(1.0, new double[] {1.0}, new double[][] {est}, 1, uv, unewv, nn, errScratch);

        S[] zs = ops.newArray(s);
        S[] incS = ops.newArray(s);
        S unew;
        if (!carries) {
            for (int j = 0; j < s; j++) zs[j] = ops.state(Tensor.unsafeWrap(shape, z[j]));
            for (int j = 1; j < s; j++) incS[j] = ops.state(Tensor.unsafeWrap(shape, incr[j]));
            unew = ops.state(Tensor.unsafeWrap(shape, unewv));
        } else {
            zs[0] = ops.combine(new double[] {h}, sArray(fu));
            for (int i = 1; i < s; i++) {
                incS[i] = corrected(i, t, h, u, zs, shape, n);
                if (incS[i] == null) return rejected(t, h, u, fu, shape);
            }
            unew = ops.combine(new double[] {1.0, 1.0}, sArray(u, incS[s - 1]));
        }
        S fnew = ops.combine(new double[] {1.0 / h}, sArray(zs[s - 1]));   // z_s = h f(u_new)
        S[] dense = mass == null ? zs : denseDerivatives(u, h, zs, incS);
        return new Step<>(t, h, u, fu, unew, fnew, err, new EsdirkCache<>(dense));
    }

    // the last step's ẑ_s and h, and its end state: the next step's ẑ_1 when it starts there
    private S prevUnew, prevZhat;
    private Step<S, EsdirkCache<S>> lastStep;
    private double prevH;

    /**
     * With a mass matrix the stage derivatives z_j = h f(U_j) are not h u'(t + c_j h) (an algebraic
     * row of f is a residual, a non-identity M gives M u'): the dense output needs ẑ with
     * U_i − u = Σ_j a_ij ẑ_j, so ẑ_i = (Z_i − Σ_{j&lt;i} a_ij ẑ_j)/γ from the converged increments, and
     * ẑ_1 = h u'(t), taken as the previous step's ẑ_s (at the same point, rescaled to this h), or z_1
     * on the first step. Then the interpolant passes through every stage value and keeps linear
     * constraints that the stages keep.
     */
    private S[] denseDerivatives(S u, double h, S[] zs, S[] incS) {
        S[] zh = ops.newArray(s);
        zh[0] = prevZhat != null && u == prevUnew ? ops.combine(new double[] {h / prevH}, sArray(prevZhat)) : zs[0];
        for (int i = 1; i < s; i++) {
            double[] cf = new double[i + 1];
            S[] xs = ops.newArray(i + 1);
            cf[0] = 1.0 / gamma;
            xs[0] = incS[i];
            for (int j = 0; j < i; j++) {
                cf[j + 1] = -tab.a(i, j) / gamma;
                xs[j + 1] = zh[j];
            }
            zh[i] = ops.combine(cf, xs);
        }
        return zh;
    }

    /** Remembers the accepted step (the next attempt starts from its end) whose ẑ_s starts the next dense output. */
    private void remember(Step<S, EsdirkCache<S>> step) {
        prevUnew = step.unew;
        prevZhat = step.cache.z[s - 1];
        prevH = step.h;
    }

    /**
     * Stage i's increment Z with exact derivatives: one Newton step in the plan's differentiable ops
     * from the converged Z* (a constant), with the exact J at u + Z*; also sets zs[i]. Null if that W is singular.
     */
    private S corrected(int i, double t, double h, S u, S[] zs, Shape shape, int n) {
        double hg = h * gamma;
        double ti = t + tab.c(i) * h;
        double[] mzv = new double[n];
        double[] zstar = incr[i];
        multiplyMass(zstar, mzv, n);
        int live = 0;
        for (int j = 0; j < i; j++) if (tab.a(i, j) != 0.0) live++;
        double[] ca = new double[live];
        S[] xa = ops.newArray(live);
        for (int j = 0, q = 0; j < i; j++) {
            if (tab.a(i, j) == 0.0) continue;
            ca[q] = tab.a(i, j);
            xa[q++] = zs[j];
        }
        S tmp = ops.combine(ca, xa);
        S zc = ops.state(Tensor.of(shape, zstar));
        S x = ops.combine(new double[] {1.0, 1.0}, sArray(u, zc));
        S fx = ops.eval(x, ti);
        S g = ops.combine(new double[] {1.0, -1.0, -hg}, sArray(ops.state(Tensor.of(shape, mzv)), tmp, fx));
        Factorization<S> wx = ops.jacobian(x, ti).factorW(1.0 / hg, mass);
        jacobians++;
        if (wx.singular()) return null;
        S zi = ops.combine(new double[] {1.0, -1.0 / hg}, sArray(zc, wx.solve(g)));
        S mzi = mass == null ? zi : ops.multiply(mass, zi);
        zs[i] = ops.combine(new double[] {1.0 / gamma, -1.0 / gamma}, sArray(mzi, tmp));
        return zi;
    }

    @SafeVarargs
    private final S[] sArray(S... xs) {
        S[] out = ops.newArray(xs.length);
        System.arraycopy(xs, 0, out, 0, xs.length);
        return out;
    }

    private Step<S, EsdirkCache<S>> rejected(double t, double h, S u, S fu, Shape shape) {
        S nan = ops.state(Tensor.full(Double.NaN, shape));
        return new Step<>(t, h, u, fu, nan, null, Double.NaN, new EsdirkCache<>(null));
    }

    @Override public boolean interpolationNeedsFnew() { return false; }

    @Override public S interpolate(Step<S, EsdirkCache<S>> step, double theta) {
        if (theta == 0.0) return step.u;
        if (theta == 1.0) return step.unew;
        double[] wts = denseScratch;
        tab.dense().weights(theta, wts);
        return ops.rkSum(step.u, 1.0, wts, allStages, step.cache.z, false);
    }
}
