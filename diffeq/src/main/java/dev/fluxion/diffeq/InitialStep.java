package dev.fluxion.diffeq;

/**
 * The automatic initial step of Hairer–Nørsett–Wanner I, §II.4 ("Starting step size"), in the
 * form OrdinaryDiffEq.jl's ode_determine_initdt uses: an explicit Euler probe of size h0 from
 * the scaled norms of u0 and f(u0), a second evaluation to estimate the second derivative, and
 * h = min(100 h0, (0.01 / max(d1, d2))^(1/order)). It runs on primal values (one extra f
 * evaluation, counted).
 */
final class InitialStep {
    private InitialStep() {}

    static double hairer(StateOps<?> ops, double[] u, double[] f, double t0, double t1, int order, ErrorNorm norm, double dtmax) {
        double dir = Math.signum(t1 - t0);
        int n = ops.normLength();
        double d0 = norm.scaled(u, u, n);
        double d1 = norm.scaled(f, u, n);
        double h0 = (d0 < 1e-5 || d1 < 1e-5) ? 1e-6 : 0.01 * d0 / d1;
        h0 = Math.min(h0, Math.abs(t1 - t0));
        h0 = Math.min(h0, dtmax);
        double[] u1 = new double[u.length];
        for (int i = 0; i < u.length; i++) u1[i] = u[i] + dir * h0 * f[i];
        double[] f1 = ops.evalValues(u1, t0 + dir * h0);
        double[] df = new double[u.length];
        for (int i = 0; i < u.length; i++) df[i] = f1[i] - f[i];
        double d2 = norm.scaled(df, u, n) / h0;
        double m = Math.max(d1, d2);
        double h1 = m <= 1e-15 || !Double.isFinite(m) ? Math.max(1e-6, h0 * 1e-3) : Math.pow(10.0, -(2.0 + Math.log10(m)) / order);
        double h = Math.min(Math.min(100 * h0, h1), dtmax);
        h = Math.min(h, Math.abs(t1 - t0));
        return dir * h;
    }
}
