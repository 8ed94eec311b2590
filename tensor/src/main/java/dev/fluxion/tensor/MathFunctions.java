package dev.fluxion.tensor;

/**
 * Scalar semantics of the elementwise primitives, in one place: the CPU kernels and the bytecode
 * that compiled programs generate both call these, so the two agree bit for bit.
 */
public final class MathFunctions {
    private MathFunctions() {}

    /**
     * tanh through expm1, accurate to a few ulps everywhere: tanh(x) = e/(e + 2) with
     * e = expm1(2|x|), odd symmetry; saturates to ±1 beyond |x| = 22 where tanh rounds to 1 in
     * float64. Faster than Math.tanh on HotSpot.
     */
    public static double tanh(double x) {
        double ax = Math.abs(x);
        if (ax > 22.0) return Math.copySign(1.0, x);
        if (ax < 1e-8) return x;
        double e = Math.expm1(2.0 * ax);
        return Math.copySign(e / (e + 2.0), x);
    }

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
