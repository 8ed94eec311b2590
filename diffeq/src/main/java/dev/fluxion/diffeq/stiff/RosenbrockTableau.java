package dev.fluxion.diffeq.stiff;

/**
 * A Rosenbrock (ROW / W-method) scheme in the transformed form of Hairer–Wanner II, §IV.7
 * ((7.25)–(7.27)) with the mass matrix of §VI.4, as OrdinaryDiffEq.jl writes it: with
 * W = M/(γh) − J factored once per step, each stage solves
 * <pre>
 *   U_i = u + Σ_{j&lt;i} a_ij k_j,   F_i = f(U_i, t + c_i h),
 *   W k_i = Σ_{j≤i} φ_ij F_j + h d_i ∂f/∂t + M Σ_{j&lt;i} (C_ij / h) k_j,
 * </pre>
 * and the step is u_new = u + Σ m_j k_j with the error estimate Σ e_j k_j (the stages are
 * increments of u, so neither carries a factor h). φ is the identity for the Rodas methods; the
 * Shampine–Reichelt Rosenbrock23, whose third stage reads the earlier f values, is the one scheme
 * that needs its off-diagonal terms. The dense output is a linear combination of u, u_new and the
 * stages with weights that depend on θ ({@link Dense}).
 *
 * <p>Immutable data; one {@link RosenbrockStepper} consumes every tableau.
 */
public final class RosenbrockTableau {
    /** Dense output weights on [u, u_new, k_1 … k_s] at θ ∈ [0, 1]. */
    public interface Dense {
        void weights(double theta, double[] out);
    }

    private final String name;
    private final int order, embeddedOrder;
    private final double gamma;
    private final double[][] a, cMat, phi;
    private final double[] c, d, m, e;
    private final boolean lastStageAtSolution;
    private final Dense dense;
    private final String source;

    RosenbrockTableau(String name, int order, int embeddedOrder, double gamma, double[][] a, double[][] cMat, double[][] phi,
                      double[] c, double[] d, double[] m, double[] e, boolean lastStageAtSolution, Dense dense, String source) {
        int s = c.length;
        if (a.length != s || cMat.length != s || phi.length != s || d.length != s || m.length != s || e.length != s) {
            throw new IllegalArgumentException(name + ": tableau arrays must all have " + s + " stages");
        }
        this.name = name;
        this.order = order;
        this.embeddedOrder = embeddedOrder;
        this.gamma = gamma;
        this.a = a;
        this.cMat = cMat;
        this.phi = phi;
        this.c = c;
        this.d = d;
        this.m = m;
        this.e = e;
        this.lastStageAtSolution = lastStageAtSolution;
        this.dense = dense;
        this.source = source;
    }

    /**
     * A Rodas-type tableau in OrdinaryDiffEq.jl's layout: A and C are s × s lower-triangular
     * (row i holds the coefficients of stage i), the last stage gives u_new = U_s + k_s and the
     * error estimate k_s, and H's rows give the dense output
     * u(θ) = (1−θ) u + θ (u_new + (1−θ)(K_1 + θ (K_2 + θ K_3 …))) with K_r = Σ_j H_rj k_j.
     */
    static RosenbrockTableau rodas(String name, int order, int embeddedOrder, double gamma, double[][] aLower, double[][] cLower,
                                   double[] c, double[] d, double[][] h, String source) {
        int s = c.length;
        double[][] a = square(aLower, s), cm = square(cLower, s), phi = new double[s][s];
        for (int i = 0; i < s; i++) phi[i][i] = 1.0;
        double[] m = new double[s], e = new double[s];
        for (int j = 0; j < s - 1; j++) m[j] = a[s - 1][j];
        m[s - 1] = 1.0;
        e[s - 1] = 1.0;
        double[][] hh = h;
        Dense dense = (theta, out) -> {
            java.util.Arrays.fill(out, 0.0);
            out[0] = 1 - theta;
            out[1] = theta;
            double f = theta * (1 - theta);
            for (int r = 0; r < hh.length; r++) {
                for (int j = 0; j < s; j++) out[2 + j] += f * hh[r][j];
                f *= theta;
            }
        };
        return new RosenbrockTableau(name, order, embeddedOrder, gamma, a, cm, phi, c, d, m, e, false, dense, source);
    }

    private static double[][] square(double[][] rows, int s) {
        double[][] out = new double[s][s];
        for (int i = 0; i < Math.min(rows.length, s); i++) {
            for (int j = 0; j < Math.min(rows[i].length, i); j++) out[i][j] = rows[i][j];
            for (int j = i; j < rows[i].length; j++) {
                if (rows[i][j] != 0.0) throw new IllegalArgumentException("stage " + i + " may only read earlier stages");
            }
        }
        return out;
    }

    public String name() { return name; }
    public int stages() { return c.length; }
    public int order() { return order; }
    public int embeddedOrder() { return embeddedOrder; }
    /** The diagonal γ of the method: W = M/(γh) − J. */
    public double gamma() { return gamma; }
    public double a(int i, int j) { return a[i][j]; }
    /** C_ij (divided by h in the stage equations). */
    public double cCoupling(int i, int j) { return cMat[i][j]; }
    public double phi(int i, int j) { return phi[i][j]; }
    public double c(int i) { return c[i]; }
    public double d(int i) { return d[i]; }
    /** Weight of stage j in u_new. */
    public double m(int j) { return m[j]; }
    /** Weight of stage j in the error estimate. */
    public double e(int j) { return e[j]; }
    /** Whether the last stage evaluates f at u_new (its value is then f(u_new), FSAL). */
    public boolean lastStageAtSolution() { return lastStageAtSolution; }
    public Dense dense() { return dense; }
    /** Where the coefficients come from. */
    public String source() { return source; }

    @Override public String toString() { return name; }
}
