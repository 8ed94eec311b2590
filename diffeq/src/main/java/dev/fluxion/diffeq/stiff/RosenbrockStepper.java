package dev.fluxion.diffeq.stiff;

import dev.fluxion.diffeq.EmbeddedError;
import dev.fluxion.diffeq.ErrorNorm;
import dev.fluxion.diffeq.Factorization;
import dev.fluxion.diffeq.Jacobian;
import dev.fluxion.diffeq.StateOps;
import dev.fluxion.diffeq.Step;
import dev.fluxion.diffeq.StepController;
import dev.fluxion.diffeq.Stepper;
import dev.fluxion.tensor.LinearCombination;
import dev.fluxion.tensor.Tensor;

/**
 * The one stepper of every Rosenbrock method: it reads a {@link RosenbrockTableau} and does the
 * rest, over any state plan. Per attempt it takes the exact Jacobian J and ∂f/∂t once (from the
 * plan: forward lanes over the compiled f, or {@code AD.jacobian} on the tensor plan, so on a
 * tape J carries the solve's derivatives), kept for a retry from the same point after a
 * rejection; factors W = M/(γh) − J once; and solves once per stage. A singular W rejects the
 * step (state and error NaN: an adaptive controller shrinks h hard, a fixed step ends UNSTABLE). The error estimate goes through
 * {@link EmbeddedError} on primal values only.
 */
public final class RosenbrockStepper<S> implements Stepper<S, RosenbrockCache<S>>, StiffnessEstimate {
    private final RosenbrockTableau tab;
    private final StateOps<S> ops;
    private final StepController controller;
    /** The constant mass matrix [n·n] row-major, or null for the identity. */
    private final double[] mass;
    private final int s;
    private final int[][] aDeps;
    private final double[][] aVals;
    private final int[] mDeps;
    private final double[] mVals;
    private final EmbeddedError errorEstimate;
    private final double[] denseScratch;
    // J and ∂f/∂t at the last point stepped from: a rejected step retries from the same (u, t)
    private S lastU;
    private double lastT;
    private Jacobian<S> lastJ;
    private S lastDT;
    private int jacobians, factorizations, linearSolves;

    public RosenbrockStepper(RosenbrockTableau tab, StateOps<S> ops, StepController controller, double[] mass) {
        this.tab = tab;
        this.ops = ops;
        this.controller = controller;
        this.mass = mass;
        this.s = tab.stages();
        this.aDeps = new int[s][];
        this.aVals = new double[s][];
        for (int i = 0; i < s; i++) {
            double[] row = new double[i];
            for (int j = 0; j < i; j++) row[j] = tab.a(i, j);
            aDeps[i] = LinearCombination.liveTerms(row);
            aVals[i] = LinearCombination.liveValues(row);
        }
        double[] m = new double[s], e = new double[s];
        for (int j = 0; j < s; j++) {
            m[j] = tab.m(j);
            e[j] = tab.e(j);
        }
        mDeps = LinearCombination.liveTerms(m);
        mVals = LinearCombination.liveValues(m);
        errorEstimate = new EmbeddedError(e);
        denseScratch = new double[s + 2];
    }


    @Override public int order() { return tab.order(); }

    @Override public int errorOrder() { return Math.min(tab.order(), tab.embeddedOrder()) + 1; }

    @Override public boolean adaptive() { return true; }

    @Override public StepController defaultController() { return controller; }

    @Override public StateOps<S> ops() { return ops; }

    public RosenbrockTableau tableau() { return tab; }

    /** Jacobians taken so far (one per point stepped from, not per attempt). */
    @Override public int jacobians() { return jacobians; }

    /** Stage solves with W so far (one per stage per attempt). */
    @Override public int linearSolves() { return linearSolves; }

    /** W factorisations so far (one per attempt). */
    public int factorizations() { return factorizations; }

    @Override public double eigenEstimate() { return lastJ == null ? Double.NaN : StiffnessEstimate.normInf(lastJ.values(), lastJ.size()); }

    @Override public Step<S, RosenbrockCache<S>> attempt(double t, S u, S fu, double h, ErrorNorm norm) {
        if (u != lastU || t != lastT || lastJ == null) {
            lastJ = ops.jacobian(u, t);
            lastDT = ops.timeDerivative(u, t);
            lastU = u;
            lastT = t;
            jacobians++;
        }
        factorizations++;
        Factorization<S> w = lastJ.factorW(1.0 / (tab.gamma() * h), mass);
        if (w.singular()) {
            // no step: NaN state and error, so an adaptive solve shrinks h and a fixed-step one ends UNSTABLE
            S nan = ops.state(Tensor.full(Double.NaN, ops.tensor(u).shape()));
            return new Step<>(t, h, u, fu, nan, null, Double.NaN, new RosenbrockCache<>(null));
        }
        S dT = lastDT;
        S[] k = ops.newArray(s);
        S[] f = ops.newArray(s);
        f[0] = fu;
        S unew = null, fnew = null;
        for (int i = 0; i < s; i++) {
            if (i > 0) {
                double ti = t + tab.c(i) * h;
                if (i == s - 1 && tab.lastStageAtSolution()) {
                    unew = ops.rkSum(u, 1.0, mVals, mDeps, k, false);
                    f[i] = fnew = ops.eval(unew, t + h);
                } else {
                    S ui = aDeps[i].length == 0 ? u : ops.rkSum(u, 1.0, aVals[i], aDeps[i], k, true);
                    f[i] = ops.eval(ui, ti);
                }
            }
            k[i] = w.solve(stageRhs(i, f, k, dT, h));
            linearSolves++;
        }
        if (unew == null) unew = ops.rkSum(u, 1.0, mVals, mDeps, k, false);
        return new Step<>(t, h, u, fu, unew, fnew, errorEstimate.of(ops, norm, 1.0, k, u, unew),   // Σ e_j k_j: the stages are increments, no factor h
                new RosenbrockCache<>(k));
    }

    /** Σ_{j≤i} φ_ij F_j + h d_i ∂f/∂t + M Σ_{j<i} (C_ij/h) k_j as one combination (two and a product with M). */
    private S stageRhs(int i, S[] f, S[] k, S dT, double h) {
        int terms = 0;
        for (int j = 0; j <= i; j++) if (tab.phi(i, j) != 0.0) terms++;
        double di = tab.d(i);
        if (di != 0.0) terms++;
        int couplings = 0;
        for (int j = 0; j < i; j++) if (tab.cCoupling(i, j) != 0.0) couplings++;
        if (mass == null) terms += couplings;
        else if (couplings > 0) terms++;
        double[] c = new double[terms];
        S[] xs = ops.newArray(terms);
        int q = 0;
        for (int j = 0; j <= i; j++) {
            double phi = tab.phi(i, j);
            if (phi != 0.0) {
                c[q] = phi;
                xs[q++] = f[j];
            }
        }
        if (di != 0.0) {
            c[q] = h * di;
            xs[q++] = dT;
        }
        if (couplings > 0) {
            double[] cc = mass == null ? c : new double[couplings];
            S[] ks = mass == null ? xs : ops.newArray(couplings);
            int r = mass == null ? q : 0;
            for (int j = 0; j < i; j++) {
                double cij = tab.cCoupling(i, j);
                if (cij != 0.0) {
                    cc[r] = cij / h;
                    ks[r++] = k[j];
                }
            }
            if (mass != null) {
                c[q] = 1.0;
                xs[q] = ops.multiply(mass, ops.combine(cc, ks));
            }
        }
        return terms == 1 && c[0] == 1.0 ? xs[0] : ops.combine(c, xs);
    }

    @Override public boolean interpolationNeedsFnew() { return false; }

    @Override public S interpolate(Step<S, RosenbrockCache<S>> step, double theta) {
        if (theta == 0.0) return step.u;
        if (theta == 1.0) return step.unew;
        double[] w = denseScratch;
        tab.dense().weights(theta, w);
        S[] xs = ops.newArray(s + 2);
        xs[0] = step.u;
        xs[1] = step.unew;
        System.arraycopy(step.cache.k, 0, xs, 2, s);
        int live = 0;
        for (double x : w) if (x != 0.0) live++;
        double[] c = new double[live];
        S[] ys = ops.newArray(live);
        for (int j = 0, q = 0; j < w.length; j++) {
            if (w[j] != 0.0) {
                c[q] = w[j];
                ys[q++] = xs[j];
            }
        }
        return ops.combine(c, ys);
    }
}
