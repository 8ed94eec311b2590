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
    private double[] in0, in1, wc, chi1, chi2, chi3, e1, e2;

    SriStepper(SdeOps<S> so, SdeAlgorithm alg, SriTableau tab) {
        super(so, alg);
        this.tab = tab;
        this.flat = so.ops() instanceof FlatStateOps f && so.diffusesInto() ? f : null;
    }

    @SuppressWarnings("unchecked")
    @Override public Step<S, Linear> attempt(double t, S u, S fu, double h, ErrorNorm norm) {
        if (flat != null) return (Step<S, Linear>) (Step<?, ?>) attemptFlat(t, (double[]) u, (double[]) fu, h, norm);
        increment(t, h);
        int s = tab.stages();
        double sq = Math.sqrt(h);
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
     * same order, so the same numbers bit for bit, but fused per component into the step's own
     * buffers: f and g write into stage buffers, and the only array allocated is the new state.
     * Each sum below adds its terms left to right with zero coefficients skipped, as
     * {@link #lin}, {@link #sum} and {@link #plus} do (LinearCombination's one order of addition):
     * a stage input is u + Σ h·A⁰ᵢⱼ fⱼ + (Σ B⁰ᵢⱼ gⱼ)·I₍₁,₀₎/h, and so on. A state holds the primal
     * and, on the lane plan, K tangent lanes after it; the noise products act on each lane alike.
     */
    private Step<double[], Linear> attemptFlat(double t, double[] u, double[] fu, double h, ErrorNorm norm) {
        increment(t, h);
        int s = tab.stages(), n = so.n, len = u.length;
        if (fk == null) {
            fk = new double[s][];
            fbuf = new double[s][len];
            gk = new double[s][len];
            in0 = new double[len];
            in1 = new double[len];
            wc = new double[n];
            chi1 = new double[n];
            chi2 = new double[n];
            chi3 = new double[n];
            e1 = new double[n];
            e2 = new double[n];
        }
        double[][] f = fk, g = gk;
        double sq = Math.sqrt(h);
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
        for (int i = 0; i < s; i++) {
            double[] a0 = tab.a0[i], a1 = tab.a1[i], b0 = tab.b0[i], b1 = tab.b1[i];
            boolean any0 = false, anyB0 = false, any1 = false;
            for (int j = 0; j < i; j++) {
                any0 |= h * a0[j] != 0.0;
                anyB0 |= b0[j] != 0.0;
                any1 |= h * a1[j] != 0.0 || sq * b1[j] != 0.0;
            }
            double[] h0 = u, h1 = u;
            if (any0 || anyB0) {
                h0 = in0;
                for (int q = 0, k = 0; q < len; q++, k = k + 1 == n ? 0 : k + 1) {
                    double acc = u[q];
                    for (int j = 0; j < i; j++) {
                        double c = h * a0[j];
                        if (c != 0.0) acc += c * f[j][q];
                    }
                    if (anyB0) acc += firstSum(b0, g, i, q) * x2[k];
                    h0[q] = acc;
                }
            }
            if (any1) {
                h1 = in1;
                for (int q = 0; q < len; q++) {
                    double acc = u[q];
                    for (int j = 0; j < i; j++) {
                        double c = h * a1[j];
                        if (c != 0.0) acc += c * f[j][q];
                    }
                    for (int j = 0; j < i; j++) {
                        double c = sq * b1[j];
                        if (c != 0.0) acc += c * g[j][q];
                    }
                    h1[q] = acc;
                }
            }
            if (h0 == u && tab.c0[i] == 0.0) {
                f[i] = fu;
            } else {
                f[i] = fbuf[i];
                flat.evalInto(h0, t + tab.c0[i] * h, f[i], 0);
            }
            so.gInto(h1, t + tab.c1[i] * h, g[i]);
        }
        double[] alpha = tab.alpha, be1 = tab.beta1, be2 = tab.beta2, be3 = tab.beta3, be4 = tab.beta4;
        boolean n1 = nonzero(be1, s), n2 = nonzero(be2, s), n3 = nonzero(be3, s), n4 = nonzero(be4, s);
        double[] unew = new double[len];
        for (int q = 0, k = 0; q < len; q++, k = k + 1 == n ? 0 : k + 1) {
            double acc = u[q];
            for (int j = 0; j < s; j++) {
                double c = h * alpha[j];
                if (c != 0.0) acc += c * f[j][q];
            }
            if (n1) acc += firstSum(be1, g, s, q) * w[k];
            if (n2) acc += firstSum(be2, g, s, q) * x1[k];
            if (n3) acc += firstSum(be3, g, s, q) * x2[k];
            if (n4) acc += firstSum(be4, g, s, q) * x3[k];
            unew[q] = acc;
        }
        double err = 0.0;
        if (alg.adaptive()) {
            double[] d1 = e1, d2 = e2;
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

    /** Σ c_j x_j[q] over the nonzero c_j (j &lt; count), from the first such term: {@link #sum}'s order. At least one c_j is nonzero. */
    private static double firstSum(double[] c, double[][] x, int count, int q) {
        int j = 0;
        while (c[j] == 0.0) j++;
        double acc = c[j] * x[j][q];
        for (j++; j < count; j++) if (c[j] != 0.0) acc += c[j] * x[j][q];
        return acc;
    }

    private static boolean nonzero(double[] c, int count) {
        for (int j = 0; j < count; j++) if (c[j] != 0.0) return true;
        return false;
    }

    private S plus(S x, S y) {
        S[] xs = ops.newArray(2);
        xs[0] = x;
        xs[1] = y;
        return ops.combine(new double[] {1.0, 1.0}, xs);
    }
}
