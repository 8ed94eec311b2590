package dev.fluxion.diffeq.ode;

import java.util.Arrays;

/**
 * The coefficients of an explicit Runge–Kutta method: a Butcher tableau with an optional embedded
 * error estimator and an optional continuous extension (dense output).
 *
 * <p>Tableaus are data: each method family keeps its coefficients, with their published source, in
 * a file of its own ({@code Tsit5Tableau}, {@code Verner9Tableau}, ...), and one stepper
 * ({@code ExplicitRkStepper}) consumes them. Conventions, as in Hairer–Nørsett–Wanner I, §II.1:
 *
 * <pre>
 *   k_i     = f(t + c_i h, u + h Σ_{j<i} a_ij k_j)          i = 0 .. s-1
 *   u_new   = u + h Σ_i b_i k_i
 *   err     = h Σ_i btilde_i k_i        (btilde = b − bhat, the embedded solution's difference)
 * </pre>
 *
 * <p>A first-same-as-last (FSAL) method lists its last stage as an ordinary stage with
 * {@code c = 1} and {@code a[s-1] = b}; the stepper then reuses that stage as the next step's first.
 */
public final class ExplicitRkTableau {
    private final String name;
    private final int order;
    private final int embeddedOrder;
    private final double[] c;
    private final double[][] a;
    private final double[] b;
    private final double[] btilde;
    private final boolean fsal;
    private final RkInterpolant interpolant;

    /**
     * @param name          the method's name as users know it ("Tsit5")
     * @param order         order of the propagated solution
     * @param embeddedOrder order of the embedded solution, 0 for a fixed-step method
     * @param c             nodes, length s
     * @param a             strictly lower-triangular coefficients: {@code a[i]} has length i
     * @param b             weights of the propagated solution, length s
     * @param btilde        error weights b − bhat, length s, or null for a fixed-step method
     * @param fsal          whether the last stage equals the next step's first
     * @param interpolant   the method's own continuous extension, or null (Hermite is then used)
     */
    public ExplicitRkTableau(String name, int order, int embeddedOrder, double[] c, double[][] a,
                             double[] b, double[] btilde, boolean fsal, RkInterpolant interpolant) {
        int s = c.length;
        if (a.length != s || b.length != s || (btilde != null && btilde.length != s)) {
            throw new IllegalArgumentException(name + ": c, a, b and btilde must all have " + s + " stages");
        }
        for (int i = 0; i < s; i++) {
            if (a[i].length != i) {
                throw new IllegalArgumentException(name + ": row a[" + i + "] must have length " + i
                        + " (explicit methods are strictly lower triangular), has " + a[i].length);
            }
        }
        if (fsal) {
            if (c[s - 1] != 1.0 || !Arrays.equals(a[s - 1], Arrays.copyOf(b, s - 1)) || b[s - 1] != 0.0) {
                throw new IllegalArgumentException(name + ": an FSAL tableau's last stage must have c = 1, a = b and b_s = 0");
            }
        }
        this.name = name;
        this.order = order;
        this.embeddedOrder = embeddedOrder;
        this.c = c.clone();
        this.a = new double[s][];
        for (int i = 0; i < s; i++) this.a[i] = a[i].clone();
        this.b = b.clone();
        this.btilde = btilde == null ? null : btilde.clone();
        this.fsal = fsal;
        this.interpolant = interpolant;
    }

    public String name() { return name; }
    public int order() { return order; }
    /** Order of the embedded solution used for the error estimate; 0 for fixed-step methods. */
    public int embeddedOrder() { return embeddedOrder; }
    public int stages() { return c.length; }
    public boolean adaptive() { return btilde != null; }
    public boolean fsal() { return fsal; }
    public RkInterpolant interpolant() { return interpolant; }

    /** The stepper's view of these coefficients, built on first use (a benign race: two threads may both build equal ones). */
    private volatile RkTerms terms;

    RkTerms terms() {
        RkTerms t = terms;
        if (t == null) terms = t = new RkTerms(this);
        return t;
    }

    public double c(int i) { return c[i]; }
    public double a(int i, int j) { return a[i][j]; }
    public double b(int i) { return b[i]; }
    public double btilde(int i) { return btilde[i]; }

    @Override public String toString() { return name + " (order " + order + ", " + c.length + " stages)"; }
}
