package dev.fluxion.diffeq.sde;

import dev.fluxion.diffeq.ErrorNorm;
import dev.fluxion.diffeq.FlatStateOps;
import dev.fluxion.diffeq.Step;

/**
 * The one stepper of the SRI family (diagonal or scalar noise, strong order 1.5), consuming an
 * {@link SriTableau}. The iterated integrals per component are those of Rößler (2010) for diagonal
 * noise, read from the Brownian tree: I₍₁₎ = ΔW, I₍₁,₁₎ = (ΔW² − h)/2, I₍₁,₀₎ = h(ΔW/2 + H) (H the
 * space-time Lévy area), I₍₁,₁,₁₎ = (ΔW³ − 3hΔW)/6.
 */
final class SriStepper<S> extends SdeStepper<S> {
    private final SriTableau tab;
    /** The drift's flat plan when f and g write into buffers (plain and dual-lane solves), else null. */
    private final FlatStateOps flat;
    // the flat step's buffers, reused by every attempt: stage values of f and g, the two stage
    // inputs (read by f or g only while it runs), per-component increments and the error's parts
    private double[][] fk, fbuf, gk;
    private double[] tmp, wc, chi1, chi2, chi3, e1, e2;
    // per stage: its own input buffers, and the inputs the last flat attempt passed to f and g
    // (u itself or the buffer), kept for SrkDiscreteAdjoint's recording (copyStageInputs)
    private double[][] ins0, ins1, used0, used1;
    private boolean lastFlat;
    /** Whether used0 and used1 hold each stage's own buffers for stages 1 on (what attemptDense4 uses). */
    private boolean usedOwn;
    private final Live live;
    /** The tableau's coefficients when {@link #attemptDense4} applies (SOSRI), else null. */
    private final SriDense4 dense;

    SriStepper(SdeOps<S> so, SdeAlgorithm alg, SriTableau tab) {
        super(so, alg);
        this.tab = tab;
        this.flat = so.ops() instanceof FlatStateOps f && so.diffusesInto() ? f : null;
        this.live = new Live(tab);
        // the written-out step also takes all four drift terms into the error, and F₀ = f(u, t)
        this.dense = tab.errorTerms == 4 && tab.c0[0] == 0.0 ? SriDense4.of(tab) : null;
    }

    @SuppressWarnings("unchecked")
    @Override public Step<S, Linear> attempt(double t, S u, S fu, double h, ErrorNorm norm) {
        double sq = Math.sqrt(h);
        if (flat != null && live.fits(h, sq)) return (Step<S, Linear>) (Step<?, ?>) attemptFlat(t, (double[]) u, (double[]) fu, h, sq, norm);
        lastFlat = false;
        increment(t, h);
        int s = tab.stages();
        double[] w = so.perComponent(dW), lv = so.perComponent(levy);
        int n = w.length;
        double[] chi1 = new double[n], chi2 = new double[n], chi3 = new double[n];
        for (int i = 0; i < n; i++) {
            chi1[i] = (w[i] * w[i] - h) / (2 * sq);              // I_(1,1)/√h
            chi2[i] = w[i] / 2 + lv[i];                           // I_(1,0)/h
            chi3[i] = (w[i] * w[i] * w[i] - 3 * h * w[i]) / (6 * h);   // I_(1,1,1)/h
        }
        S[] f = ops.newArray(s), g = ops.newArray(s);
        double[] ca = new double[s];
        for (int i = 0; i < s; i++) {
            S h0 = u, h1 = u;
            if (i > 0) {
                for (int j = 0; j < i; j++) ca[j] = h * tab.a0[i][j];
                h0 = lin(u, ca, f, i);
                S b0 = sum(tab.b0[i], g, i);
                if (b0 != null) h0 = plus(h0, so.scale(b0, chi2));
                for (int j = 0; j < i; j++) ca[j] = h * tab.a1[i][j];
                h1 = lin(u, ca, f, i);
                for (int j = 0; j < i; j++) ca[j] = sq * tab.b1[i][j];
                h1 = lin(h1, ca, g, i);
            }
            f[i] = h0 == u && tab.c0[i] == 0.0 ? fu : ops.eval(h0, t + tab.c0[i] * h);
            g[i] = so.g(h1, t + tab.c1[i] * h);
        }
        for (int j = 0; j < s; j++) ca[j] = h * tab.alpha[j];
        S unew = lin(u, ca, f, s);
        S b1 = sum(tab.beta1, g, s), b2 = sum(tab.beta2, g, s), b3 = sum(tab.beta3, g, s), b4 = sum(tab.beta4, g, s);
        if (b1 != null) unew = plus(unew, so.scale(b1, w));
        if (b2 != null) unew = plus(unew, so.scale(b2, chi1));
        if (b3 != null) unew = plus(unew, so.scale(b3, chi2));
        if (b4 != null) unew = plus(unew, so.scale(b4, chi3));
        double err = 0.0;
        if (alg.adaptive()) {
            double[] e1 = new double[n], e2 = new double[n];
            for (int i = 0; i < s; i++) {
                double[] fv = ops.values(f[i]), gv = ops.values(g[i]);
                for (int k = 0; k < n; k++) {
                    if (i < tab.errorTerms) e1[k] += h * fv[k];
                    e2[k] += (tab.beta3[i] * chi2[k] + tab.beta4[i] * chi3[k]) * gv[k];
                }
            }
            err = error(norm, tab.delta, e1, e2, u, unew);
        }
        return step(t, h, u, fu, unew, err);
    }

    /**
     * {@link #attempt} on flat arrays (plain solves and ForwardDuals' lanes): the same sums in the
     * same order, so the same numbers bit for bit, but into the step's own reused buffers, with f
     * and g written into stage buffers: the only array allocated is the new state. Each sum adds
     * its terms in order with zero coefficients skipped, as {@link #lin}, {@link #sum} and
     * {@link #plus} do (LinearCombination's one order of addition), one pass over the components
     * per term: a stage input is u + Σ h·A⁰ᵢⱼ fⱼ + (Σ B⁰ᵢⱼ gⱼ)·I₍₁,₀₎/h, each product rounded
     * before it is added, as there. (Passes per term measured faster than one pass per component
     * with the terms in an inner loop: 9–11 against 24–28 ms CPU per LV gradient by ForwardDuals,
     * 14 components, loaded machine, 2026-12-02.) The tableau's structural zeros are found once
     * ({@link Live}); a step so short that h times a nonzero coefficient underflows takes the
     * generic path. A state holds the primal and, on the lane plan, K tangent lanes after it; the
     * noise products act on each lane alike (the per-component increments are repeated per lane).
     * SOSRI's dense four-stage tableau takes {@link #attemptDense4}, the same sums written out.
     */
    private Step<double[], Linear> attemptFlat(double t, double[] u, double[] fu, double h, double sq, ErrorNorm norm) {
        increment(t, h);
        int s = tab.stages(), n = so.n, len = u.length;
        allocate(s, n, len);
        noiseProducts(h, sq, n, len);
        lastFlat = true;
        if (dense != null && alg.adaptive() && ops.normLength() == n) return attemptDense4(t, u, fu, h, sq, norm, n, len);
        Live lv = live;
        double[][] f = fk, g = gk;
        double[] w = wc, x1 = chi1, x2 = chi2, x3 = chi3;
        usedOwn = false;   // used0 and used1 get this attempt's inputs, u where a stage reads u
        for (int i = 0; i < s; i++) {
            int[] j0 = lv.a0[i], jb0 = lv.b0[i], j1 = lv.a1[i], jb1 = lv.b1[i];
            double[] h0 = u, h1 = u;
            if (j0.length > 0 || jb0.length > 0) {
                h0 = ins0[i];
                System.arraycopy(u, 0, h0, 0, len);
                for (int j : j0) axpy(h * tab.a0[i][j], f[j], h0, len);
                if (jb0.length > 0) addProduct(h0, combination(tab.b0[i], jb0, g, len), x2, len);
            }
            if (j1.length > 0 || jb1.length > 0) {
                h1 = ins1[i];
                System.arraycopy(u, 0, h1, 0, len);
                for (int j : j1) axpy(h * tab.a1[i][j], f[j], h1, len);
                for (int j : jb1) axpy(sq * tab.b1[i][j], g[j], h1, len);
            }
            used0[i] = h0;
            used1[i] = h1;
            if (h0 == u && tab.c0[i] == 0.0) {
                f[i] = fu;
            } else {
                f[i] = fbuf[i];
                flat.evalInto(h0, t + tab.c0[i] * h, f[i], 0);
            }
            so.gInto(h1, t + tab.c1[i] * h, g[i]);
        }
        double[] unew = new double[len];
        System.arraycopy(u, 0, unew, 0, len);
        for (int j : lv.alpha) axpy(h * tab.alpha[j], f[j], unew, len);
        if (lv.beta1.length > 0) addProduct(unew, combination(tab.beta1, lv.beta1, g, len), w, len);
        if (lv.beta2.length > 0) addProduct(unew, combination(tab.beta2, lv.beta2, g, len), x1, len);
        if (lv.beta3.length > 0) addProduct(unew, combination(tab.beta3, lv.beta3, g, len), x2, len);
        if (lv.beta4.length > 0) addProduct(unew, combination(tab.beta4, lv.beta4, g, len), x3, len);
        double err = 0.0;
        if (alg.adaptive()) {
            double[] d1 = e1, d2 = e2, be3 = tab.beta3, be4 = tab.beta4;
            java.util.Arrays.fill(d1, 0.0);
            java.util.Arrays.fill(d2, 0.0);
            for (int i = 0; i < s; i++) {
                double[] fv = f[i], gv = g[i];
                for (int k = 0; k < n; k++) {
                    if (i < tab.errorTerms) d1[k] += h * fv[k];
                    d2[k] += (be3[i] * x2[k] + be4[i] * x3[k]) * gv[k];
                }
            }
            err = error(norm, tab.delta, d1, d2, (S) u, (S) unew);
        }
        return new Step<>(t, h, u, fu, unew, null, err, Linear.INSTANCE);
    }

    private void allocate(int s, int n, int len) {
        if (fk != null) return;
        fk = new double[s][];
        fbuf = new double[s][len];
        gk = new double[s][len];
        ins0 = new double[s][len];
        ins1 = new double[s][len];
        used0 = new double[s][];
        used1 = new double[s][];
        tmp = new double[len];
        wc = new double[len];
        chi1 = new double[len];
        chi2 = new double[len];
        chi3 = new double[len];
        e1 = new double[n];
        e2 = new double[n];
    }

    /** ΔW, I₍₁,₁₎/√h, I₍₁,₀₎/h and I₍₁,₁,₁₎/h per component into wc, chi1, chi2, chi3, repeated per lane. */
    private void noiseProducts(double h, double sq, int n, int len) {
        double[] w = wc, x1 = chi1, x2 = chi2, x3 = chi3;
        boolean diagonal = so.noise == NoiseKind.DIAGONAL;
        for (int i = 0; i < n; i++) {
            // perComponent: diagonal noise as it is, scalar noise repeated
            double wi = diagonal ? dW[i] : dW[0], li = diagonal ? levy[i] : levy[0];
            w[i] = wi;
            x1[i] = (wi * wi - h) / (2 * sq);              // I_(1,1)/√h
            x2[i] = wi / 2 + li;                           // I_(1,0)/h
            x3[i] = (wi * wi * wi - 3 * h * wi) / (6 * h);   // I_(1,1,1)/h
        }
        for (int q = n; q < len; q++) {   // the same values for every lane (a plain loop: four
            w[q] = w[q - n];              // arraycopy calls per lane of a few components cost more)
            x1[q] = x1[q - n];
            x2[q] = x2[q - n];
            x3[q] = x3[q - n];
        }
    }

    /**
     * {@link #attemptFlat} for a four-stage tableau whose strictly lower A⁰, A¹, B⁰, B¹ and all
     * final weights are nonzero and whose error takes all four drift terms (SOSRI): the same
     * products and sums in the same order per component, so the same numbers bit for bit, but
     * each stage input in one pass over the components with its terms written out and the
     * coefficients in locals. At two components a pass per term spends more on loop set-up than
     * on arithmetic (measured: see docs/BENCHMARKS.md, issue 13).
     */
    private Step<double[], Linear> attemptDense4(double t, double[] u, double[] fu, double h, double sq, ErrorNorm norm, int n, int len) {
        SriDense4 c = dense;
        double[] w = wc, x1 = chi1, x2 = chi2, x3 = chi3;
        double[][] g = gk;
        if (!usedOwn) {
            // every stage's inputs are its own buffers here (copyStageInputs reads stages 1–3):
            // recorded once, not stored per attempt (with √h taken once per attempt, not twice:
            // 3–5 % less CPU for the LV SOSRI solve and its ForwardDuals gradient, SdeAB in both
            // orders, 2026-12-02)
            for (int i = 1; i < 4; i++) {
                used0[i] = ins0[i];
                used1[i] = ins1[i];
            }
            usedOwn = true;
        }
        double[] f0 = fu, f1 = fbuf[1], f2 = fbuf[2], f3 = fbuf[3];
        double[] g0 = g[0], g1 = g[1], g2 = g[2], g3 = g[3];
        so.gInto(u, t + c.c10 * h, g0);
        {   // stage 1
            double[] h0 = ins0[1], h1 = ins1[1];
            double a0 = h * c.a010, a1 = h * c.a110, b1 = sq * c.b110, b0 = c.b010;
            for (int q = 0; q < len; q++) {
                double v = u[q];
                v += a0 * f0[q];
                v += (b0 * g0[q]) * x2[q];
                h0[q] = v;
                double y = u[q];
                y += a1 * f0[q];
                y += b1 * g0[q];
                h1[q] = y;
            }
            flat.evalInto(h0, t + c.c01 * h, f1, 0);
            so.gInto(h1, t + c.c11 * h, g1);
        }
        {   // stage 2
            double[] h0 = ins0[2], h1 = ins1[2];
            double a00 = h * c.a020, a01 = h * c.a021, a10 = h * c.a120, a11 = h * c.a121;
            double b10 = sq * c.b120, b11 = sq * c.b121, b00 = c.b020, b01 = c.b021;
            for (int q = 0; q < len; q++) {
                double v = u[q];
                v += a00 * f0[q];
                v += a01 * f1[q];
                double z = b00 * g0[q];
                z += b01 * g1[q];
                v += z * x2[q];
                h0[q] = v;
                double y = u[q];
                y += a10 * f0[q];
                y += a11 * f1[q];
                y += b10 * g0[q];
                y += b11 * g1[q];
                h1[q] = y;
            }
            flat.evalInto(h0, t + c.c02 * h, f2, 0);
            so.gInto(h1, t + c.c12 * h, g2);
        }
        {   // stage 3
            double[] h0 = ins0[3], h1 = ins1[3];
            double a00 = h * c.a030, a01 = h * c.a031, a02 = h * c.a032;
            double a10 = h * c.a130, a11 = h * c.a131, a12 = h * c.a132;
            double b10 = sq * c.b130, b11 = sq * c.b131, b12 = sq * c.b132;
            double b00 = c.b030, b01 = c.b031, b02 = c.b032;
            for (int q = 0; q < len; q++) {
                double v = u[q];
                v += a00 * f0[q];
                v += a01 * f1[q];
                v += a02 * f2[q];
                double z = b00 * g0[q];
                z += b01 * g1[q];
                z += b02 * g2[q];
                v += z * x2[q];
                h0[q] = v;
                double y = u[q];
                y += a10 * f0[q];
                y += a11 * f1[q];
                y += a12 * f2[q];
                y += b10 * g0[q];
                y += b11 * g1[q];
                y += b12 * g2[q];
                h1[q] = y;
            }
            flat.evalInto(h0, t + c.c03 * h, f3, 0);
            so.gInto(h1, t + c.c13 * h, g3);
        }
        double al0 = h * c.al0, al1 = h * c.al1, al2 = h * c.al2, al3 = h * c.al3;
        // the final weights in locals too: a store into unew (a double[]) may not change them,
        // but the compiled loop would otherwise load them again per component
        double c10 = c.p10, c11 = c.p11, c12 = c.p12, c13 = c.p13, c20 = c.p20, c21 = c.p21, c22 = c.p22, c23 = c.p23;
        double c30 = c.p30, c31 = c.p31, c32 = c.p32, c33 = c.p33, c40 = c.p40, c41 = c.p41, c42 = c.p42, c43 = c.p43;
        double[] unew = new double[len];
        for (int q = 0; q < len; q++) {
            double v = u[q];
            v += al0 * f0[q];
            v += al1 * f1[q];
            v += al2 * f2[q];
            v += al3 * f3[q];
            double gq0 = g0[q], gq1 = g1[q], gq2 = g2[q], gq3 = g3[q];
            double z = c10 * gq0;
            z += c11 * gq1;
            z += c12 * gq2;
            z += c13 * gq3;
            v += z * w[q];
            z = c20 * gq0;
            z += c21 * gq1;
            z += c22 * gq2;
            z += c23 * gq3;
            v += z * x1[q];
            z = c30 * gq0;
            z += c31 * gq1;
            z += c32 * gq2;
            z += c33 * gq3;
            v += z * x2[q];
            z = c40 * gq0;
            z += c41 * gq1;
            z += c42 * gq2;
            z += c43 * gq3;
            v += z * x3[q];
            unew[q] = v;
        }
        // the error's parts and its norm in one pass: error()'s sum, term for term and in the same
        // order (flat plans read their primal values in place, and step control reads n of them)
        double delta = tab.delta, sum = 0.0;
        for (int k = 0; k < n; k++) {
            double xa = x2[k], xb = x3[k];
            double s1 = 0.0, s2 = 0.0;
            s1 += h * f0[k];
            s2 += (c30 * xa + c40 * xb) * g0[k];
            s1 += h * f1[k];
            s2 += (c31 * xa + c41 * xb) * g1[k];
            s1 += h * f2[k];
            s2 += (c32 * xa + c42 * xb) * g2[k];
            s1 += h * f3[k];
            s2 += (c33 * xa + c43 * xb) * g3[k];
            double r = (delta * s1 + s2) / norm.scale(k, u[k], unew[k]);
            sum += r * r;
        }
        double err = ErrorNorm.rms(sum, n);
        return new Step<>(t, h, u, fu, unew, null, err, Linear.INSTANCE);
    }

    int stages() { return tab.stages(); }

    /**
     * Copies the stage inputs H⁰ᵢ, H¹ᵢ (the states f and g of stage i were evaluated at) of the
     * last attempt for i ≥ 1 (stage 0's are u itself), first n components of each, to dst0 and
     * dst1 at off + (i − 1)·n, for the discrete
     * adjoint's recording of an accepted step (which then need not recompute them); false, copying
     * nothing, when that attempt took the generic (non-flat) path.
     */
    boolean copyStageInputs(double[] dst0, double[] dst1, int off, int n) {
        if (!lastFlat) return false;
        int s = tab.stages();
        for (int i = 1, o = off; i < s; i++, o += n) {
            double[] a = used0[i], b = used1[i];
            for (int j = 0; j < n; j++) {
                dst0[o + j] = a[j];
                dst1[o + j] = b[j];
            }
        }
        return true;
    }

    /** y += c·x over the first len components. */
    private static void axpy(double c, double[] x, double[] y, int len) {
        for (int q = 0; q < len; q++) y[q] += c * x[q];
    }

    /** y += a ⊙ b (each product rounded, then added). */
    private static void addProduct(double[] y, double[] a, double[] b, int len) {
        for (int q = 0; q < len; q++) y[q] += a[q] * b[q];
    }

    /** Σ c_j x_j over the live j (nonzero c_j, at least one), from the first: {@link #sum}'s order; into this stepper's scratch. */
    private double[] combination(double[] c, int[] live, double[][] x, int len) {
        double[] out = tmp;
        double c0 = c[live[0]];
        double[] x0 = x[live[0]];
        for (int q = 0; q < len; q++) out[q] = c0 * x0[q];
        for (int r = 1; r < live.length; r++) axpy(c[live[r]], x[live[r]], out, len);
        return out;
    }

    /**
     * The tableau's nonzero coefficients by row (stage i's dependencies j &lt; i) and of the
     * final weights, and the smallest magnitude among those that h or √h multiplies, to detect
     * the underflow that would make a nonzero coefficient a skipped zero term.
     */
    private static final class Live {
        final int[][] a0, a1, b0, b1;
        final int[] alpha, beta1, beta2, beta3, beta4;
        final double minH, minSqrtH;

        Live(SriTableau tab) {
            int s = tab.stages();
            a0 = new int[s][];
            a1 = new int[s][];
            b0 = new int[s][];
            b1 = new int[s][];
            double mh = Double.POSITIVE_INFINITY, ms = Double.POSITIVE_INFINITY;
            for (int i = 0; i < s; i++) {
                a0[i] = nonzero(tab.a0[i], i);
                a1[i] = nonzero(tab.a1[i], i);
                b0[i] = nonzero(tab.b0[i], i);
                b1[i] = nonzero(tab.b1[i], i);
                for (int j : a0[i]) mh = Math.min(mh, Math.abs(tab.a0[i][j]));
                for (int j : a1[i]) mh = Math.min(mh, Math.abs(tab.a1[i][j]));
                for (int j : b1[i]) ms = Math.min(ms, Math.abs(tab.b1[i][j]));
            }
            alpha = nonzero(tab.alpha, s);
            for (int j : alpha) mh = Math.min(mh, Math.abs(tab.alpha[j]));
            beta1 = nonzero(tab.beta1, s);
            beta2 = nonzero(tab.beta2, s);
            beta3 = nonzero(tab.beta3, s);
            beta4 = nonzero(tab.beta4, s);
            minH = mh;
            minSqrtH = ms;
        }

        /** True when h (and √h) times every nonzero coefficient is nonzero, as the fused step assumes. */
        boolean fits(double h, double sq) {
            return (minH == Double.POSITIVE_INFINITY || h * minH != 0.0) && (minSqrtH == Double.POSITIVE_INFINITY || sq * minSqrtH != 0.0);
        }

        private static int[] nonzero(double[] c, int count) {
            int live = 0;
            for (int j = 0; j < count; j++) if (c[j] != 0.0) live++;
            int[] idx = new int[live];
            for (int j = 0, r = 0; j < count; j++) if (c[j] != 0.0) idx[r++] = j;
            return idx;
        }
    }

    private S plus(S x, S y) {
        S[] xs = ops.newArray(2);
        xs[0] = x;
        xs[1] = y;
        return ops.combine(new double[] {1.0, 1.0}, xs);
    }
}
