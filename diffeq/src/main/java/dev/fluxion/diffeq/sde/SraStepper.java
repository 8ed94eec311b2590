package dev.fluxion.diffeq.sde;

import dev.fluxion.diffeq.ErrorNorm;
import dev.fluxion.diffeq.Step;

/**
 * The one stepper of the SRA family (additive noise, any noise form: the products with the
 * increments are g ⊙ w, g·w[0] or the matrix product, by the problem's noise), consuming an
 * {@link SraTableau}. g is evaluated at u: with additive noise it does not depend on the state.
 */
final class SraStepper<S> extends SdeStepper<S> {
    private final SraTableau tab;

    SraStepper(SdeOps<S> so, SdeAlgorithm alg, SraTableau tab) {
        super(so, alg);
        this.tab = tab;
    }

    @Override public Step<S, Linear> attempt(double t, S u, S fu, double h, ErrorNorm norm) {
        increment(t, h);
        int s = tab.stages(), m = dW.length;
        double[] chi2 = new double[m];
        for (int k = 0; k < m; k++) chi2[k] = dW[k] / 2 + levy[k];   // I_(1,0)/h per channel
        S[] g = ops.newArray(s), f = ops.newArray(s);
        for (int i = 0; i < s; i++) {
            S same = null;
            for (int j = 0; j < i && same == null; j++) if (tab.c1[j] == tab.c1[i]) same = g[j];
            g[i] = same != null ? same : so.g(u, t + tab.c1[i] * h);
        }
        double[] ca = new double[s];
        for (int i = 0; i < s; i++) {
            S h0 = u;
            if (i > 0) {
                for (int j = 0; j < i; j++) ca[j] = h * tab.a0[i][j];
                h0 = lin(u, ca, f, i);
                S b0 = sum(tab.b0[i], g, i);
                if (b0 != null) h0 = plus(h0, so.noise(b0, chi2));
            }
            f[i] = h0 == u && tab.c0[i] == 0.0 ? fu : ops.eval(h0, t + tab.c0[i] * h);
        }
        for (int j = 0; j < s; j++) ca[j] = h * tab.alpha[j];
        S unew = lin(u, ca, f, s);
        S b1 = sum(tab.beta1, g, s), b2 = sum(tab.beta2, g, s);
        S e2 = b2 == null ? null : so.noise(b2, chi2);
        if (b1 != null) unew = plus(unew, so.noise(b1, dW));
        if (e2 != null) unew = plus(unew, e2);
        double err = 0.0;
        if (alg.adaptive()) {
            int n = ops.normLength();
            double[] e1 = new double[n];
            for (int i = 0; i < s; i++) {
                double[] fv = ops.values(f[i]);
                for (int k = 0; k < n; k++) e1[k] += h * fv[k];
            }
            err = error(norm, 1.0, e1, e2 == null ? null : ops.values(e2), u, unew);
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
