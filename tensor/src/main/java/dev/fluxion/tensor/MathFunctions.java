package dev.fluxion.tensor;

/**
 * Scalar semantics of the elementwise primitives, in one place: the CPU kernels and the bytecode
 * that compiled programs generate both call these, so the two agree bit for bit.
 */
public final class MathFunctions {
    private MathFunctions() {}

    /**
     * tanh as Cephes computes it (Moshier, Cephes Math Library, tanh.c): a rational approximation
     * x + x³·P(x²)/Q(x²) for |x| &lt; 0.625, where 1 − 2/(e^{2|x|} + 1) would cancel, and that
     * formula (Math.exp is a HotSpot intrinsic) above, saturating to ±1 beyond |x| = 22. Accurate
     * to about 2 ulp, and several times faster than Math.tanh, which a network's hot loop feels.
     */
    public static double tanh(double x) {
        double ax = Math.abs(x);
        if (x == 0.0) return x;   // keeps the sign of zero, as Math.tanh does
        if (ax < 0.625) {
            double z = x * x;
            double p = (TANH_P0 * z + TANH_P1) * z + TANH_P2;
            double q = ((z + TANH_Q0) * z + TANH_Q1) * z + TANH_Q2;
            return x + x * z * p / q;
        }
        if (ax > 22.0) return Math.copySign(1.0, x);
        double s = Math.exp(2.0 * ax);
        return Math.copySign(1.0 - 2.0 / (s + 1.0), x);
    }

    // Cephes tanh.c coefficients (double precision)
    private static final double TANH_P0 = -9.64399179425052238628E-1;
    private static final double TANH_P1 = -9.92877231001918586564E1;
    private static final double TANH_P2 = -1.61468768441708447952E3;
    private static final double TANH_Q0 = 1.12811678491632931402E2;
    private static final double TANH_Q1 = 2.23548839060100448583E3;
    private static final double TANH_Q2 = 4.84406305325125486048E3;

    /** Logistic function without overflow for large |x|. */
    public static double sigmoid(double x) {
        if (x >= 0) return 1.0 / (1.0 + Math.exp(-x));
        double e = Math.exp(x);
        return e / (1.0 + e);
    }

    /** log(1 + exp(x)) = max(x, 0) + log1p(exp(−|x|)), stable for all x. */
    public static double softplus(double x) {
        return Math.max(x, 0.0) + Math.log1p(Math.exp(-Math.abs(x)));
    }

    /** max(x, 0), NaN passing through. */
    public static double relu(double x) {
        return x > 0 ? x : (x == x ? 0.0 : x);
    }

    /** Elementwise maximum: NaN propagates; ties pick x. */
    public static double max(double x, double y) {
        return x != x || x >= y ? x : y;
    }

    /** Elementwise minimum: NaN propagates; ties pick x. */
    public static double min(double x, double y) {
        return x != x || x <= y ? x : y;
    }

    /** One step of a NaN-propagating running maximum. */
    public static double maxStep(double m, double v) {
        if (m != m) return m;
        if (v != v) return v;
        return v > m ? v : m;
    }

    public static double gt(double x, double y) { return x > y ? 1.0 : 0.0; }
    public static double ge(double x, double y) { return x >= y ? 1.0 : 0.0; }
    public static double lt(double x, double y) { return x < y ? 1.0 : 0.0; }
    public static double le(double x, double y) { return x <= y ? 1.0 : 0.0; }
    public static double eq(double x, double y) { return x == y ? 1.0 : 0.0; }
    public static double ne(double x, double y) { return x != y ? 1.0 : 0.0; }

    /** cond ≠ 0 ? a : b. */
    public static double select(double cond, double a, double b) {
        return cond != 0.0 ? a : b;
    }

    /** x^c with the same shortcuts as the kernel (x·x for 2, x·x·x for 3). */
    public static double powConst(double x, double c) {
        if (c == 2.0) return x * x;
        if (c == 3.0) return x * x * x;
        return Math.pow(x, c);
    }
}
