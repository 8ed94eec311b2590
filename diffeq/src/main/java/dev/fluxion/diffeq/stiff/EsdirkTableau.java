package dev.fluxion.diffeq.stiff;

/**
 * A stiffly accurate ESDIRK scheme (explicit first stage, singly diagonally implicit, last row
 * of A equal to b) with an embedded error estimate and a dense output, as data. With
 * z_j = h f(U_j, t + c_j h) the stages are
 * <pre>
 *   U_1 = u,   M (U_i − u) = Σ_{j&lt;i} a_ij z_j + γ z_i   (i ≥ 2),
 * </pre>
 * u_new = U_s (stiffly accurate), the error estimate is Σ btilde_j z_j (filtered by
 * (M − γhJ)⁻¹ in the stepper, as Hosea–Shampine and OrdinaryDiffEq.jl do), and the dense output
 * is u(t + θh) = u + Σ_j w_j(θ) z_j with weights from {@link Dense}. Newton starts stage i from
 * z_i ≈ Σ_{j&lt;i} α_ij z_j ({@link #predictor}).
 *
 * <p>Immutable; one {@link EsdirkStepper} consumes every tableau.
 */
public final class EsdirkTableau {
    /** Dense output weights w_j(θ) on the stage derivatives z_1 … z_s, θ ∈ [0, 1]. */
    public interface Dense {
        void weights(double theta, double[] out);
    }

    private final String name;
    private final int order, embeddedOrder;
    private final double gamma;
    private final double[] c, btilde;
    private final double[][] a, predictor;
    private final Dense dense;
    private final String source;

    EsdirkTableau(String name, int order, int embeddedOrder, double[] c, double[][] aLower, double[] btilde,
                  double[][] predictor, Dense dense, String source) {
        int s = c.length;
        if (aLower.length != s || btilde.length != s) throw new IllegalArgumentException(name + ": tableau arrays must all have " + s + " stages");
        double[][] a = new double[s][s];
        for (int i = 0; i < s; i++) {
            if (aLower[i].length > i + 1) throw new IllegalArgumentException(name + ": stage " + i + " may only read itself and earlier stages");
            System.arraycopy(aLower[i], 0, a[i], 0, aLower[i].length);
        }
        double g = a[s - 1][s - 1];
        for (int j = 0; j < s; j++) if (a[0][j] != 0.0) throw new IllegalArgumentException(name + ": the first stage must be explicit");
        for (int i = 1; i < s; i++) {
            if (a[i][i] != g) throw new IllegalArgumentException(name + ": the diagonal must be constant (singly implicit)");
        }
        if (c[0] != 0.0 || c[s - 1] != 1.0) throw new IllegalArgumentException(name + ": need c_1 = 0 and c_s = 1 (stiffly accurate)");
        this.name = name;
        this.order = order;
        this.embeddedOrder = embeddedOrder;
        this.gamma = g;
        this.c = c;
        this.a = a;
        this.btilde = btilde;
        this.predictor = new double[s][];
        for (int i = 1; i < s; i++) {
            double[] row = new double[i];
            if (predictor != null && i < predictor.length && predictor[i].length > 0) {
                System.arraycopy(predictor[i], 0, row, 0, Math.min(i, predictor[i].length));
            } else {
                row[i - 1] = 1.0;
            }
            this.predictor[i] = row;
        }
        this.dense = dense;
        this.source = source;
    }

    public String name() { return name; }
    public int stages() { return c.length; }
    public int order() { return order; }
    public int embeddedOrder() { return embeddedOrder; }
    /** The diagonal γ: each implicit stage solves with W = M/(γh) − J. */
    public double gamma() { return gamma; }
    public double a(int i, int j) { return a[i][j]; }
    /** The weights of the solution: the last row of A (stiffly accurate). */
    public double b(int j) { return a[c.length - 1][j]; }
    /** b_j − b̂_j: the weights of the embedded error estimate. */
    public double btilde(int j) { return btilde[j]; }
    public double c(int i) { return c[i]; }
    /**
     * Weight of z_j in the starting guess for z_i (j &lt; i): an extrapolation of the earlier stage
     * derivatives; the previous stage's z held constant where the tableau gives none.
     */
    public double predictor(int i, int j) { return predictor[i][j]; }
    public Dense dense() { return dense; }
    /** Where the coefficients come from. */
    public String source() { return source; }

    @Override public String toString() { return name; }
}
