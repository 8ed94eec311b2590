package dev.fluxion.diffeq.ode;

/**
 * A Runge–Kutta method's own continuous extension ("free" or "lazy" dense output).
 *
 * <p>Within a step from t to t + h, with θ = (t* − t)/h in [0, 1]:
 * <pre>
 *   u(t + θh) = u + h Σ_i b_i(θ) k_i,     b_i(θ) = Σ_m bTheta[i][m] θ^(m+1)
 * </pre>
 * The sum runs over the tableau's s stages and then over this interpolant's extra stages, which
 * are computed lazily, only when a step is actually interpolated (Verner's methods need them):
 * <pre>
 *   k_i = f(t + cExtra[i−s] h, u + h Σ_{j<i} aExtra[i−s][j] k_j)     i = s .. s+e−1
 * </pre>
 * where {@code aExtra[i−s]} has length i (it may reference every earlier stage, extra ones too).
 * bTheta has no constant term because u(t) = u at θ = 0; at θ = 1 the polynomials reproduce b.
 */
public final class RkInterpolant {
    private final int order;
    private final double[] cExtra;
    private final double[][] aExtra;
    private final double[][] bTheta;

    /**
     * @param order  the interpolant's order of accuracy
     * @param cExtra nodes of the extra stages (length e, possibly 0)
     * @param aExtra coefficients of the extra stages; row r has length s + r
     * @param bTheta polynomial coefficients, one row per stage (s + e rows); row i lists the
     *               coefficients of θ^1, θ^2, ... of b_i(θ)
     */
    public RkInterpolant(int order, double[] cExtra, double[][] aExtra, double[][] bTheta) {
        if (cExtra.length != aExtra.length) {
            throw new IllegalArgumentException("cExtra and aExtra must have the same number of extra stages");
        }
        int s = bTheta.length - cExtra.length;
        for (int r = 0; r < aExtra.length; r++) {
            if (aExtra[r].length != s + r) {
                throw new IllegalArgumentException("aExtra[" + r + "] must have length " + (s + r) + ", has " + aExtra[r].length);
            }
        }
        this.order = order;
        this.cExtra = cExtra.clone();
        this.aExtra = new double[aExtra.length][];
        for (int r = 0; r < aExtra.length; r++) this.aExtra[r] = aExtra[r].clone();
        this.bTheta = new double[bTheta.length][];
        for (int i = 0; i < bTheta.length; i++) this.bTheta[i] = bTheta[i].clone();
    }

    public int order() { return order; }
    public int extraStages() { return cExtra.length; }
    public int totalStages() { return bTheta.length; }
    public double cExtra(int r) { return cExtra[r]; }
    public double[] aExtraRow(int r) { return aExtra[r].clone(); }
    /** b_i(θ) for every stage i, written into {@code out} (length totalStages()). */
    public void weights(double theta, double[] out) {
        for (int i = 0; i < bTheta.length; i++) {
            double[] q = bTheta[i];
            double acc = 0.0;
            for (int m = q.length - 1; m >= 0; m--) acc = (acc + q[m]) * theta;
            out[i] = acc;
        }
    }
}
