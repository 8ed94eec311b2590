package dev.fluxion.diffeq.sde;

import dev.fluxion.diffeq.ErrorNorm;
import dev.fluxion.diffeq.Step;

/**
 * The one stepper of the SRI family (diagonal or scalar noise, strong order 1.5), consuming an
 * {@link SriTableau}. The iterated integrals per component are those of Rößler (2010) for diagonal
 * noise, read from the Brownian tree: I₍₁₎ = ΔW, I₍₁,₁₎ = (ΔW² − h)/2, I₍₁,₀₎ = h(ΔW/2 + H) (H the
 * space-time Lévy area), I₍₁,₁,₁₎ = (ΔW³ − 3hΔW)/6.
 */
final class SriStepper<S> extends SdeStepper<S> {
    private final SriTableau tab;

    SriStepper(SdeOps<S> so, SdeAlgorithm alg, SriTableau tab) {
        super(so, alg);
        this.tab = tab;
    }

    @Override public Step<S, Linear> attempt(double t, S u, S fu, double h, ErrorNorm norm) {
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

    private S plus(S x, S y) {
        S[] xs = ops.newArray(2);
        xs[0] = x;
        xs[1] = y;
        return ops.combine(new double[] {1.0, 1.0}, xs);
    }
}
