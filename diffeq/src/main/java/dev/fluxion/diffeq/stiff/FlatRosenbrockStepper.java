package dev.fluxion.diffeq.stiff;

import dev.fluxion.diffeq.ErrorNorm;
import dev.fluxion.diffeq.Factorization;
import dev.fluxion.diffeq.FlatStateOps;
import dev.fluxion.diffeq.Jacobian;
import dev.fluxion.diffeq.StateOps;
import dev.fluxion.diffeq.Step;
import dev.fluxion.diffeq.StepCache;
import dev.fluxion.diffeq.StepController;
import dev.fluxion.diffeq.Stepper;
import dev.fluxion.tensor.LinearCombination;
import dev.fluxion.tensor.LuDecomposition;

import java.util.Arrays;

/**
 * {@link RosenbrockStepper}'s scheme on the flat plan (plain solves of a compiled right-hand side,
 * states as {@code double[]}), written for a small state's per-step cost, which is what a stiff
 * solve of a few species spends its time on (docs/BENCHMARKS.md, "Stiff: Robertson"):
 * <ul>
 *   <li>the stage increments of an attempt live in one array [s·n] (stage j at offset j·n);
 *       stage i's input u + Σ a_ij k_j and its coupling Σ (C_ij/h) k_j are summed in one pass
 *       over the earlier increments, each component in registers, and its right-hand side
 *       Σ φ_ij F_j + h d_i ∂f/∂t + M·coupling is written into stage i's slot and solved there in
 *       place;</li>
 *   <li>a stage input that is the previous one plus the previous increment (the stiffly accurate
 *       Rodas methods' last rows: a_ij = a_{i−1,j} for j &lt; i − 1 and a_{i,i−1} = 1), and u_new
 *       when it is the last stage input plus the last increment, are that one addition (the same
 *       terms in the same order as the full sum);</li>
 *   <li>up to {@link #DIRECT} components W = M/(γh) − J is assembled from J's values and
 *       LU-factored in the stepper's own buffers, and each stage solve multiplies by the pivots'
 *       reciprocals ({@link LuDecomposition#solveRepeated}, written out for n ≤ 4; for n = 3 the
 *       factorisation too, with W's assembly, in {@link Lu3}); larger
 *       Jacobians factor themselves ({@link Jacobian#factorW}), so a sparse or banded J brings its
 *       own factorisation;</li>
 *   <li>∂f/∂t is skipped for a right-hand side that does not read t ({@link StateOps#readsTime}).</li>
 *   <li>f and J are written into the stepper's buffers ({@link FlatStateOps#evalInto},
 *       {@link FlatStateOps#jacobianInto}: a small compiled f's generated code gets them by
 *       reference); when φ is the identity (the Rodas methods) F_i goes straight into stage i's
 *       slot of the increments and its right-hand side is completed there.</li>
 * </ul>
 * A step allocates what outlives it: its increments (the dense output reads them), u_new, and
 * (Rosenbrock23) f(u_new). The scheme, error estimate and dense output are the
 * generic stepper's; the coupling added as one term and the reciprocal pivots change the last bits,
 * so FlatRosenbrockSpec checks the two steppers against each other on the same flat arithmetic
 * (the same steps on Robertson; to 1e-10 with fixed steps).
 */
final class FlatRosenbrockStepper implements Stepper<double[], FlatRosenbrockStepper.Cache> {
    /** Largest state for which the stepper factors W itself; larger Jacobians factor themselves ({@link Jacobian#factorW}). */
    static final int DIRECT = 16;

    /** A step's cache: its s stage increments, stage j at [j·n, (j + 1)·n); null for a step rejected before its stages. */
    static final class Cache implements StepCache {
        final double[] k;
        final int stages;

        Cache(double[] k, int stages) {
            this.k = k;
            this.stages = stages;
        }

        @Override public int storedStates() { return k == null ? 0 : stages; }
    }

    private static final double[] ONE = {1.0};

    private final RosenbrockTableau tab;
    private final FlatStateOps ops;
    private final StepController controller;
    private final double[] mass;
    private final int s;
    private final double gamma;
    private final double[] c, d;
    private final boolean lastAtSolution;
    /** a and C as dense lower-triangular rows (a[i][j], j &lt; i), and φ's nonzero entries per row. */
    private final double[][] a, cc;
    private final int[][] phiIdx;
    private final double[][] phiVal;
    /** Whether stage input i is stage input i − 1 plus k_{i−1}. */
    private final boolean[] chained;
    /** Whether u_new is the last stage input plus k_{s−1}. */
    private final boolean unewChained;
    private final double[] m, e;
    private final double[] denseWeights;
    /** Whether ∂f/∂t is needed: some d_i is nonzero and f reads t. */
    private final boolean timeDependent;
    /** Whether φ is the identity (the Rodas methods): stage i's right-hand side starts from F_i alone, so f writes it into k's slot i. */
    private final boolean identityPhi;

    // buffers, sized at the first step
    private int n = -1;
    private double[] stageIn, w, couple, err, errScratch;
    private final double[][] errRow = new double[1][];
    private LuDecomposition lu;
    /** W's factorisation for n = 3 (with {@link #lu}, which then holds nothing): straight-line code, the same bits. */
    private Lu3 lu3;
    private final double[][] fs;
    /** Stage i's f value (i ≥ 1) when φ is not the identity; and J's values when the stepper holds them (up to DIRECT components). */
    private double[][] fStage;
    private double[] jbuf;

    // J and ∂f/∂t at the last point stepped from: a rejected step retries from the same (u, t)
    private double[] lastU;
    private double lastT;
    private Jacobian<double[]> lastJ;
    /** Whether J at (lastU, lastT) is in jbuf (written there by {@link FlatStateOps#jacobianInto}) rather than lastJ. */
    private boolean jInBuffer;
    private double[] lastDT;
    private int jacobians, factorizations, linearSolves;

    FlatRosenbrockStepper(RosenbrockTableau tab, FlatStateOps ops, StepController controller, double[] mass) {
        this.tab = tab;
        this.ops = ops;
        this.controller = controller;
        this.mass = mass;
        this.s = tab.stages();
        this.gamma = tab.gamma();
        this.lastAtSolution = tab.lastStageAtSolution();
        c = new double[s];
        d = new double[s];
        m = new double[s];
        e = new double[s];
        a = new double[s][];
        cc = new double[s][];
        phiIdx = new int[s][];
        phiVal = new double[s][];
        chained = new boolean[s];
        boolean anyD = false, identity = true;
        for (int i = 0; i < s; i++) {
            c[i] = tab.c(i);
            d[i] = tab.d(i);
            m[i] = tab.m(i);
            e[i] = tab.e(i);
            anyD |= d[i] != 0.0;
            a[i] = new double[i];
            cc[i] = new double[i];
            double[] phi = new double[i + 1];
            for (int j = 0; j < i; j++) {
                a[i][j] = tab.a(i, j);
                cc[i][j] = tab.cCoupling(i, j);
            }
            for (int j = 0; j <= i; j++) {
                phi[j] = tab.phi(i, j);
                identity &= phi[j] == (i == j ? 1.0 : 0.0);
            }
            phiIdx[i] = LinearCombination.liveTerms(phi);
            phiVal[i] = LinearCombination.liveValues(phi);
            chained[i] = i >= 2 && extends_(a[i], a[i - 1]);
        }
        if (lastAtSolution && m[s - 1] != 0.0) throw new IllegalArgumentException(tab.name() + ": a last stage at u_new cannot weigh its own increment in u_new");
        unewChained = !lastAtSolution && s >= 2 && extends_(m, a[s - 1]);
        denseWeights = new double[s + 2];
        fs = new double[s][];
        timeDependent = anyD && ops.readsTime();
        identityPhi = identity && !lastAtSolution;
    }

    /** Whether row equals prev in its first prev.length entries, then 1, then zeros. */
    private static boolean extends_(double[] row, double[] prev) {
        int p = prev.length;
        if (row.length < p + 1) return false;
        for (int j = 0; j < p; j++) if (row[j] != prev[j]) return false;
        if (row[p] != 1.0) return false;
        for (int j = p + 1; j < row.length; j++) if (row[j] != 0.0) return false;
        return true;
    }

    @Override public int order() { return tab.order(); }

    @Override public int errorOrder() { return Math.min(tab.order(), tab.embeddedOrder()) + 1; }

    @Override public boolean adaptive() { return true; }

    @Override public StepController defaultController() { return controller; }

    @Override public StateOps<double[]> ops() { return ops; }

    @Override public int jacobians() { return jacobians; }

    @Override public int linearSolves() { return linearSolves; }

    private void size(int size) {
        n = size;
        stageIn = new double[n];
        couple = new double[n];
        err = new double[n];
        errScratch = new double[n];
        lu = null;
        lu3 = null;
        if (n <= DIRECT) {
            w = new double[n * n];
            jbuf = new double[n * n];
            lu = new LuDecomposition(n);
            lu3 = n == 3 ? new Lu3() : null;
        }
        fStage = new double[s][];
        if (!identityPhi) for (int i = 1; i < s; i++) fStage[i] = new double[n];
        lastJ = null;
        jInBuffer = false;
    }

    @Override public Step<double[], Cache> attempt(double t, double[] u, double[] fu, double h, ErrorNorm norm) {
        if (u.length != n) size(u.length);
        int n = this.n;
        if (u != lastU || t != lastT || (lastJ == null && !jInBuffer)) {
            jInBuffer = lu != null && ops.jacobianInto(u, t, jbuf);
            lastJ = jInBuffer ? null : ops.jacobian(u, t);
            lastDT = timeDependent ? ops.timeDerivative(u, t) : null;
            lastU = u;
            lastT = t;
            jacobians++;
        }
        factorizations++;
        double inv = 1.0 / (gamma * h);
        Factorization<double[]> big = null;
        boolean singular;
        if (lu != null && (jInBuffer || lastJ.complete())) {
            double[] j = jInBuffer ? jbuf : lastJ.values();
            double[] ww = w;
            int nn = n * n;
            if (mass == null && lu3 != null) {
                singular = !lu3.factorShifted(j, inv);   // W = I/(γh) − J assembled in registers as it is factored
            } else {
                if (mass == null) {
                    for (int q = 0; q < nn; q++) ww[q] = -j[q];
                    for (int q = 0; q < nn; q += n + 1) ww[q] += inv;
                } else {
                    for (int q = 0; q < nn; q++) ww[q] = inv * mass[q] - j[q];
                }
                singular = lu3 != null ? !lu3.factor(ww) : lu.refactor(ww).isSingular();
            }
        } else {
            big = lastJ.factorW(inv, mass);
            singular = big.singular();
        }
        if (singular) {
            // no step: NaN state and error, so an adaptive solve shrinks h and a fixed-step one ends UNSTABLE
            double[] nan = new double[n];
            Arrays.fill(nan, Double.NaN);
            return new Step<>(t, h, u, fu, nan, null, Double.NaN, new Cache(null, s));
        }
        double[] k = new double[s * n];
        double[][] f = fs;
        f[0] = fu;
        double[] unew = null, fnew = null;
        double[] ui = u;
        double invH = 1.0 / h;
        for (int i = 0; i < s; i++) {
            int slot = i * n;
            // where F_i goes: k's slot i (φ the identity: the right-hand side is then built there in
            // place), or a buffer of the stage's own; u_new's f is fresh, as it outlives the step
            double[] fi = identityPhi ? k : fStage[i];
            int fOff = identityPhi ? slot : 0;
            if (i == 0) {
                if (identityPhi) System.arraycopy(fu, 0, k, 0, n);
            } else {
                double[] ci = cc[i];
                if (i == s - 1 && lastAtSolution) {
                    unew = n == 3 ? combine3(new double[3], u, m, k, s - 1) : combine(new double[n], u, m, k, s - 1);   // m_{s-1} = 0: the last stage reads u_new
                    if (n == 3) coupling3(ci, invH, k, i);
                    else coupling(ci, invH, k, i);
                    fi = fnew = new double[n];
                    ops.evalInto(unew, t + h, fnew, 0);
                } else if (chained[i]) {
                    ui = n == 3 ? addStage3(stageIn, ui, k, i - 1) : addStage(stageIn, ui, k, i - 1);
                    if (n == 3) coupling3(ci, invH, k, i);
                    else coupling(ci, invH, k, i);
                    ops.evalInto(ui, t + c[i] * h, fi, fOff);
                } else {
                    ui = n == 3 ? inputAndCoupling3(a[i], ci, invH, u, k, i) : inputAndCoupling(a[i], ci, invH, u, k, i);
                    ops.evalInto(ui, t + c[i] * h, fi, fOff);
                }
                if (!identityPhi) f[i] = fi;
            }
            if (identityPhi) {
                if (n == 3 && mass == null) stageRhsInPlace3(i, k, h);
                else stageRhsInPlace(i, k, h);
            }
            else stageRhs(i, f, k, h);
            if (big == null) {
                if (lu3 != null) lu3.solve(k, slot);
                else lu.solveRepeated(k, slot);
            } else {
                double[] x = big.solve(Arrays.copyOfRange(k, slot, slot + n));
                System.arraycopy(x, 0, k, slot, n);
            }
            linearSolves++;
        }
        if (unew == null) unew = unewChained ? (n == 3 ? addStage3(new double[3], ui, k, s - 1) : addStage(new double[n], ui, k, s - 1))
                : n == 3 ? combine3(new double[3], u, m, k, s) : combine(new double[n], u, m, k, s);
        return new Step<>(t, h, u, fu, unew, fnew, error(norm, k, u, unew), new Cache(k, s));
    }

    /** out = u + Σ_{j&lt;terms} w_j k_j per component, the terms in order (zeros add nothing). */
    private double[] combine(double[] out, double[] u, double[] wt, double[] k, int terms) {
        int n = this.n;
        for (int q = 0; q < n; q++) {
            double acc = u[q];
            for (int j = 0, at = q; j < terms; j++, at += n) acc += wt[j] * k[at];
            out[q] = acc;
        }
        return out;
    }

    /*
     * The n = 3 forms below (a small kinetics system such as Robertson) do the same arithmetic as
     * the general loops, term for term in the same order, so their results are the same bits; what
     * they drop is the nested loops' overhead: one loop over the earlier increments with the three
     * components in registers, instead of a loop of a few terms per component, and C_ij/h formed
     * once per term rather than once per component (the same product).
     */

    /** {@link #combine} for n = 3. */
    private static double[] combine3(double[] out, double[] u, double[] wt, double[] k, int terms) {
        double x0 = u[0], x1 = u[1], x2 = u[2];
        for (int j = 0, at = 0; j < terms; j++, at += 3) {
            double w = wt[j];
            x0 += w * k[at];
            x1 += w * k[at + 1];
            x2 += w * k[at + 2];
        }
        out[0] = x0;
        out[1] = x1;
        out[2] = x2;
        return out;
    }

    /** {@link #addStage} for n = 3. */
    private static double[] addStage3(double[] out, double[] x, double[] k, int j) {
        int at = j * 3;
        double x0 = x[0] + k[at], x1 = x[1] + k[at + 1], x2 = x[2] + k[at + 2];
        out[0] = x0;
        out[1] = x1;
        out[2] = x2;
        return out;
    }

    /** {@link #inputAndCoupling} for n = 3. */
    private double[] inputAndCoupling3(double[] ai, double[] ci, double invH, double[] u, double[] k, int i) {
        double x0 = u[0], x1 = u[1], x2 = u[2], y0 = 0.0, y1 = 0.0, y2 = 0.0;
        for (int j = 0, at = 0; j < i; j++, at += 3) {
            double aj = ai[j], cj = ci[j] * invH;
            double k0 = k[at], k1 = k[at + 1], k2 = k[at + 2];
            x0 += aj * k0;
            x1 += aj * k1;
            x2 += aj * k2;
            y0 += cj * k0;
            y1 += cj * k1;
            y2 += cj * k2;
        }
        double[] in = stageIn, cpl = couple;
        in[0] = x0;
        in[1] = x1;
        in[2] = x2;
        cpl[0] = y0;
        cpl[1] = y1;
        cpl[2] = y2;
        return in;
    }

    /** {@link #coupling} for n = 3. */
    private void coupling3(double[] ci, double invH, double[] k, int i) {
        double y0 = 0.0, y1 = 0.0, y2 = 0.0;
        for (int j = 0, at = 0; j < i; j++, at += 3) {
            double cj = ci[j] * invH;
            y0 += cj * k[at];
            y1 += cj * k[at + 1];
            y2 += cj * k[at + 2];
        }
        double[] cpl = couple;
        cpl[0] = y0;
        cpl[1] = y1;
        cpl[2] = y2;
    }

    /** {@link #stageRhsInPlace} for n = 3 and no mass matrix. */
    private void stageRhsInPlace3(int i, double[] k, double h) {
        double[] dT = lastDT;
        double hd = dT == null ? 0.0 : h * d[i];
        int slot = i * 3;
        double r0 = 0.0 + k[slot], r1 = 0.0 + k[slot + 1], r2 = 0.0 + k[slot + 2];
        if (hd != 0.0) {
            r0 += hd * dT[0];
            r1 += hd * dT[1];
            r2 += hd * dT[2];
        }
        if (i > 0) {
            double[] cpl = couple;
            r0 += cpl[0];
            r1 += cpl[1];
            r2 += cpl[2];
        }
        k[slot] = r0;
        k[slot + 1] = r1;
        k[slot + 2] = r2;
    }

    /** out = x + k_j (a stage input one increment on from the previous one). */
    private double[] addStage(double[] out, double[] x, double[] k, int j) {
        int n = this.n;
        for (int q = 0, at = j * n; q < n; q++, at++) out[q] = x[q] + k[at];
        return out;
    }

    /**
     * Stage i's input u + Σ a_ij k_j into the stage-input scratch and its coupling Σ (C_ij/h) k_j
     * into {@link #couple}, in one pass over the earlier increments (both read the same k_j).
     * C_ij/h is formed where it is used (the same product each time): a separate pass over a
     * scratch row per stage cost more than the multiplications.
     */
    private double[] inputAndCoupling(double[] ai, double[] ci, double invH, double[] u, double[] k, int i) {
        int n = this.n;
        double[] in = stageIn, cpl = couple;
        for (int q = 0; q < n; q++) {
            double x = u[q], y = 0.0;
            for (int j = 0, at = q; j < i; j++, at += n) {
                double kv = k[at];
                x += ai[j] * kv;
                y += ci[j] * invH * kv;
            }
            in[q] = x;
            cpl[q] = y;
        }
        return in;
    }

    /** The coupling Σ (C_ij/h) k_j of stage i into {@link #couple}. */
    private void coupling(double[] ci, double invH, double[] k, int i) {
        int n = this.n;
        double[] cpl = couple;
        for (int q = 0; q < n; q++) {
            double y = 0.0;
            for (int j = 0, at = q; j < i; j++, at += n) y += ci[j] * invH * k[at];
            cpl[q] = y;
        }
    }

    /**
     * Stage i's right-hand side Σ φ_ij F_j + h d_i ∂f/∂t + M c, where c = Σ (C_ij/h) k_j is already
     * in {@link #couple} (stage 0 has none), into stage i's slot of k.
     */
    private void stageRhs(int i, double[][] f, double[] k, double h) {
        int n = this.n;
        int[] pi = phiIdx[i];
        double[] pv = phiVal[i];
        double[] dT = lastDT;
        double hd = dT == null ? 0.0 : h * d[i];
        int slot = i * n;
        for (int q = 0; q < n; q++) {
            double acc = 0.0;
            for (int r = 0; r < pi.length; r++) acc += pv[r] * f[pi[r]][q];
            if (hd != 0.0) acc += hd * dT[q];
            if (i > 0) acc += coupling(q);
            k[slot + q] = acc;
        }
    }

    /**
     * {@link #stageRhs} when φ is the identity and F_i is already in stage i's slot: the same
     * sums in the same order ((0 + F_i) + h d_i ∂f/∂t + M c), so the same numbers bit for bit.
     */
    private void stageRhsInPlace(int i, double[] k, double h) {
        int n = this.n;
        double[] dT = lastDT;
        double hd = dT == null ? 0.0 : h * d[i];
        int slot = i * n;
        for (int q = 0; q < n; q++) {
            double acc = 0.0 + k[slot + q];
            if (hd != 0.0) acc += hd * dT[q];
            if (i > 0) acc += coupling(q);
            k[slot + q] = acc;
        }
    }

    /** Component q of the coupling M c (c alone without a mass matrix), added last to a stage's right-hand side. */
    private double coupling(int q) {
        double[] cpl = couple;
        double[] mm = mass;
        if (mm == null) return cpl[q];
        double mc = 0.0;
        for (int r = 0, row = q * n; r < n; r++) mc += mm[row + r] * cpl[r];
        return mc;
    }

    /** The weighted norm of Σ e_j k_j (the stages are increments: no factor h), through the solve's {@link ErrorNorm}. */
    private double error(ErrorNorm norm, double[] k, double[] u, double[] unew) {
        int len = ops.normLength();
        if (len == 0) return 0.0;
        double[] x = err;
        if (n == 3) {
            double x0 = 0.0, x1 = 0.0, x2 = 0.0;
            for (int j = 0, at = 0; j < s; j++, at += 3) {
                double ej = e[j];
                if (ej != 0.0) {
                    x0 += ej * k[at];
                    x1 += ej * k[at + 1];
                    x2 += ej * k[at + 2];
                }
            }
            x[0] = x0;
            x[1] = x1;
            x[2] = x2;
        } else for (int q = 0; q < n; q++) {
            double acc = 0.0;
            for (int j = 0, at = q; j < s; j++, at += n) if (e[j] != 0.0) acc += e[j] * k[at];
            x[q] = acc;
        }
        errRow[0] = x;
        return norm.ofSum(1.0, ONE, errRow, 1, u, unew, len, errScratch);
    }

    @Override public boolean interpolationNeedsFnew() { return false; }

    @Override public double[] interpolate(Step<double[], Cache> step, double theta) {
        if (theta == 0.0) return step.u;
        if (theta == 1.0) return step.unew;
        double[] wt = denseWeights;
        tab.dense().weights(theta, wt);
        double[] u = step.u, unew = step.unew, k = step.cache.k;
        int len = u.length;
        double[] out = new double[len];
        for (int q = 0; q < len; q++) {
            double acc = wt[0] * u[q] + wt[1] * unew[q];
            for (int j = 0, at = q; j < s; j++, at += len) if (wt[2 + j] != 0.0) acc += wt[2 + j] * k[at];
            out[q] = acc;
        }
        return out;
    }
}
