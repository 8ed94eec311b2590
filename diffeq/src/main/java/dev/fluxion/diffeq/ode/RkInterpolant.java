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
    private final int total;
    /**
     * The same coefficients by power, padded with zeros to one degree: byPower[m·T + i] is the
     * coefficient of θ^(m+1) in b_i(θ), T = totalStages(). {@link #weights} runs Horner's rule over
     * the powers with the stages inner, one straight pass per power that the JIT vectorises, where a
     * row per stage of its own length was a loop nest of short variable trip counts (7.3 % of the LV
     * solve's samples). The padding gives the same bits: Horner's leading steps on zeros keep the
     * accumulator at zero, and (±0 + q)·θ = q·θ for every coefficient q.
     */
    private final double[] byPower;
    private final int degree;

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
        int d = 0;
        for (double[] row : bTheta) d = Math.max(d, row.length);
        int total = bTheta.length;
        this.total = total;
        this.degree = d;
        this.byPower = new double[d * total];
        for (int i = 0; i < total; i++) {
            for (int m = 0; m < bTheta[i].length; m++) byPower[m * total + i] = bTheta[i][m];
        }
    }

    public int order() { return order; }
    public int extraStages() { return cExtra.length; }
    public int totalStages() { return total; }
    public double cExtra(int r) { return cExtra[r]; }
    public double[] aExtraRow(int r) { return aExtra[r].clone(); }
    /** b_i(θ) for every stage i, written into {@code out} (length totalStages()). */
    public void weights(double theta, double[] out) {
        double[] q = byPower;
        java.util.Arrays.fill(out, 0, total, 0.0);
        for (int m = degree - 1; m >= 0; m--) {
            int base = m * total;
            for (int i = 0; i < total; i++) out[i] = (out[i] + q[base + i]) * theta;
        }
    }

    /**
     * u + h Σ_i b_i(θ) k_i for a two- or three-component flat state (n = u.length, 2 or 3), written
     * into out: each weight by Horner's rule in a register, stage by stage, straight into the sums,
     * with no weight array, no fill and no pass of its own. The same operations in the same order as
     * {@link #weights} followed by the flat stage sum ({@code FlatStateOps.sum}: each component starts
     * at u, then adds (h·b_i)·k_i[j] for every i whose h·b_i is nonzero, in order of i), so the same
     * bits, but for the first Horner step: weights takes (0 + q)·θ, this q·θ, which differ only for
     * q = −0 and then only in the sign of a zero weight, which the sum skips either way (h·b_i = ±0).
     *
     * <p>Degree 4 (Tsit5's and DP5's interpolants) has its Horner steps written out: with the degree
     * a field, the per-stage loop over the powers is a loop of variable trip count inside the loop
     * over stages, and a scratch microbenchmark (Tsit5, LV) took 35–47 ns per point in it against
     * 14–25 written out; the interpolation was 15 % of the LV solve (an ablation that skipped it:
     * 0.85×, same-JVM A/B, 2026-12-02 session 5).
     */
    public void interpolateSmall(double theta, double h, double[] u, double[][] k, double[] out) {
        double[] q = byPower;
        int t = total;
        if (degree != 4) {
            interpolateSmallAnyDegree(theta, h, u, k, out);
            return;
        }
        if (u.length == 2) {
            double s0 = u[0], s1 = u[1];
            for (int i = 0; i < t; i++) {
                double c = h * weight4(q, t, i, theta);
                if (c == 0.0) continue;
                double[] x = k[i];
                s0 += c * x[0];
                s1 += c * x[1];
            }
            out[0] = s0;
            out[1] = s1;
            return;
        }
        double s0 = u[0], s1 = u[1], s2 = u[2];
        for (int i = 0; i < t; i++) {
            double c = h * weight4(q, t, i, theta);
            if (c == 0.0) continue;
            double[] x = k[i];
            s0 += c * x[0];
            s1 += c * x[1];
            s2 += c * x[2];
        }
        out[0] = s0;
        out[1] = s1;
        out[2] = s2;
    }

    /** Stage i's weight b_i(θ) of a degree-4 interpolant by Horner's rule, in {@link #weights}' order of operations. */
    private static double weight4(double[] q, int t, int i, double theta) {
        double w = q[3 * t + i] * theta;
        w = (w + q[2 * t + i]) * theta;
        w = (w + q[t + i]) * theta;
        return (w + q[i]) * theta;
    }

    /** {@link #interpolateSmall} for any degree: Horner's loop over the powers per stage, as {@link #weights} runs it. */
    private void interpolateSmallAnyDegree(double theta, double h, double[] u, double[][] k, double[] out) {
        double[] q = byPower;
        int t = total, n = u.length;
        double s0 = u[0], s1 = u[1], s2 = n == 3 ? u[2] : 0.0;
        for (int i = 0; i < t; i++) {
            double w = 0.0;
            for (int m = degree - 1; m >= 0; m--) w = (w + q[m * t + i]) * theta;
            double c = h * w;
            if (c == 0.0) continue;
            double[] x = k[i];
            s0 += c * x[0];
            s1 += c * x[1];
            if (n == 3) s2 += c * x[2];
        }
        out[0] = s0;
        out[1] = s1;
        if (n == 3) out[2] = s2;
    }
}
