package dev.fluxion.tensor;

/**
 * Scalar semantics of the elementwise primitives, in one place: the CPU kernels and the bytecode
 * that compiled programs generate both call these, so the two agree bit for bit.
 */
public final class MathFunctions {
    private MathFunctions() {}

    /**
     * tanh, in a form the JIT can vectorise over arrays ({@link #tanh(double[], double[], int, int)})
     * with the same bits as this scalar form. Below |x| = 0.625 Cephes' rational approximation
     * (Moshier, Cephes Math Library, tanh.c), written x − x·((0 − z)·P(z)/Q(z)) with z = x² so that
     * the sign of a zero survives; above, 1 − 2e/(1 + e) with e = e^{−2|x|} (Cephes' formula in e^{−2|x|}),
     * e = 2^{−n}·e^{r} by Cody–Waite reduction (n = rint(2|x|/ln 2), |r| ≤ ln 2 / 2) and the Taylor
     * polynomial of e^{r} to degree 13; |x| is clamped to 20, where tanh is ±1 in double. Within
     * 2 ulp of StrictMath.tanh (an error δ in e moves the result by at most 0.62·δ at |x| = 0.625,
     * less above). The scalar form branches; the array form computes both ranges and keeps one.
     */
    public static double tanh(double x) {
        double ax = Math.abs(x);
        if (ax <= TANH_SMALL) return tanhSmall(x);
        if (!(ax <= TANH_CLAMP)) return ax == ax ? Math.copySign(1.0, x) : x;   // ±1 as the array form's clamp gives; NaN
        double y = 2.0 * ax;
        double n = (y * INV_LN2 + RINT) - RINT;
        double e = expTaylor((n * LN2_HI - y) + n * LN2_LO) * Double.longBitsToDouble((1023L - (long) n) << 52);   // 2^{−n} exactly (n ≤ 58), as the array form's bit product gives it
        return Math.copySign(1.0 - 2.0 * e / (1.0 + e), x);
    }

    private static double tanhSmall(double x) {
        double z = x * x;
        double p = (TANH_P0 * z + TANH_P1) * z + TANH_P2;
        double q = ((z + TANH_Q0) * z + TANH_Q1) * z + TANH_Q2;
        return x - x * ((0.0 - z) * p / q);
    }

    /**
     * e^r for |r| ≤ ln 2 / 2: the Taylor polynomial to degree 13 (truncation below 5e-18) by Estrin's
     * scheme, whose short dependency chains let the vectorised loop overlap (Horner's 13 dependent
     * steps made it latency-bound).
     */
    private static double expTaylor(double r) {
        double r2 = r * r, r4 = r2 * r2, r8 = r4 * r4;
        double a = (1.0 + r) + r2 * (0.5 + r * E3);
        double b = (E4 + r * E5) + r2 * (E6 + r * E7);
        double c = (E8 + r * E9) + r2 * (E10 + r * E11);
        double d = E12 + r * E13;
        return (a + r4 * b) + r8 * (c + r4 * d);
    }

    /**
     * o[i] = tanh(x[i]) for i in [from, to), bit for bit the scalar {@link #tanh(double)}. Written as
     * short branch-free passes over blocks in scratch arrays, because HotSpot's C2 (JDK 17) vectorises
     * only loops small enough to unroll and whose arrays are indexed alike: both ranges are computed
     * and an exact 0/1 indicator keeps one; 2^{−n} is the product of exact factors 1 + b·(2^{−2^k} − 1)
     * over the bits b of n (found by rounding with the 1.5·2^52 shift, which needs no integer conversion,
     * the step C2 does not vectorise).
     */
    public static void tanh(double[] x, double[] o, int from, int to) {
        if (to - from < 32) {   // the scratch arrays would cost more than they save
            for (int i = from; i < to; i++) o[i] = tanh(x[i]);
            return;
        }
        int blk = Math.min(TANH_BLOCK, to - from);
        double[] xc = new double[blk], sm = new double[blk], nn = new double[blk], ee = new double[blk], ss = new double[blk];
        for (int b0 = from; b0 < to; b0 += blk) {
            int m = Math.min(blk, to - b0);
            if (allSmall(x, b0, m)) {   // a block of small activations (a fresh network's): one range, in place, no clamp needed
                small(x, o, b0, m);
                continue;
            }
            System.arraycopy(x, b0, xc, 0, m);
            clamp(xc, m);
            small(xc, sm, 0, m);
            reduce(xc, nn, ee, m);
            expTaylor(ee, m);
            bitsLow(nn, ss, m);
            bitsHigh(nn, ss, m);
            large(ee, ss, m);
            sign(xc, nn, m);
            blend(xc, nn, ee, sm, ss, m);
            System.arraycopy(ss, 0, o, b0, m);
        }
    }

    // The passes of the array form, each a loop short enough for C2 to unroll and vectorise.

    /** Clamps to ±20 in place. */
    private static void clamp(double[] xc, int m) {
        for (int i = 0; i < m; i++) xc[i] = Math.max(-TANH_CLAMP, Math.min(TANH_CLAMP, xc[i]));
    }

    /** Whether every |x| ≤ 0.625 in x[off, off + m) (NaN is not): a scan that stops early, cheaper here than a max reduction. */
    private static boolean allSmall(double[] x, int off, int m) {
        for (int i = off; i < off + m; i++) if (!(Math.abs(x[i]) <= TANH_SMALL)) return false;
        return true;
    }

    /** The small range's formula, sm[i] = f(x[i]) for i in [off, off + m) (both arrays indexed alike, so C2 vectorises it). */
    private static void small(double[] xc, double[] sm, int off, int m) {
        for (int i = off; i < off + m; i++) {
            double v = xc[i], z = v * v;
            sm[i] = v - v * ((0.0 - z) * ((TANH_P0 * z + TANH_P1) * z + TANH_P2) / (((z + TANH_Q0) * z + TANH_Q1) * z + TANH_Q2));
        }
    }

    /** n = rint(2|x| / ln 2) and r = n·ln 2 − 2|x|, so that e^{−2|x|} = 2^{−n}·e^{r}. */
    private static void reduce(double[] xc, double[] nn, double[] ee, int m) {
        for (int i = 0; i < m; i++) {
            double y = 2.0 * Math.abs(xc[i]);
            double n = (y * INV_LN2 + RINT) - RINT;
            nn[i] = n;
            ee[i] = (n * LN2_HI - y) + n * LN2_LO;
        }
    }

    private static void expTaylor(double[] ee, int m) {
        for (int i = 0; i < m; i++) {
            double r = ee[i], r2 = r * r, r4 = r2 * r2, r8 = r4 * r4;
            double a = (1.0 + r) + r2 * (0.5 + r * E3);
            double b = (E4 + r * E5) + r2 * (E6 + r * E7);
            double c = (E8 + r * E9) + r2 * (E10 + r * E11);
            double d = E12 + r * E13;
            ee[i] = (a + r4 * b) + r8 * (c + r4 * d);
        }
    }

    /** Bits 0–2 of n (n ≤ 58 after the clamp): ss = their factors, nn = n >> 3. */
    private static void bitsLow(double[] nn, double[] ss, int m) {
        for (int i = 0; i < m; i++) {
            double s = 1.0, v = nn[i], f;
            f = (v * 0.5 - 0.25 + RINT) - RINT; s *= 1.0 + (v - 2.0 * f) * (0x1p-1 - 1.0); v = f;
            f = (v * 0.5 - 0.25 + RINT) - RINT; s *= 1.0 + (v - 2.0 * f) * (0x1p-2 - 1.0); v = f;
            f = (v * 0.5 - 0.25 + RINT) - RINT; s *= 1.0 + (v - 2.0 * f) * (0x1p-4 - 1.0); v = f;
            nn[i] = v;
            ss[i] = s;
        }
    }

    /** Bits 3–5: ss = 2^{−n}. */
    private static void bitsHigh(double[] nn, double[] ss, int m) {
        for (int i = 0; i < m; i++) {
            double s = ss[i], v = nn[i], f;
            f = (v * 0.5 - 0.25 + RINT) - RINT; s *= 1.0 + (v - 2.0 * f) * (0x1p-8 - 1.0); v = f;
            f = (v * 0.5 - 0.25 + RINT) - RINT; s *= 1.0 + (v - 2.0 * f) * (0x1p-16 - 1.0); v = f;
            ss[i] = s * (1.0 + v * (0x1p-32 - 1.0));
        }
    }

    /** ee = 1 − 2e/(1 + e), e = e^{r}·2^{−n}: tanh |x| in the large range. */
    private static void large(double[] ee, double[] ss, int m) {
        for (int i = 0; i < m; i++) {
            double e = ee[i] * ss[i];
            ee[i] = 1.0 - 2.0 * e / (1.0 + e);
        }
    }

    /** The sign: ±1 exactly (0 or a fraction where the small range is kept). */
    private static void sign(double[] xc, double[] nn, int m) {
        for (int i = 0; i < m; i++) {
            double v = xc[i];
            nn[i] = v / Math.max(Math.abs(v), Double.MIN_NORMAL);
        }
    }

    /** Keeps one range: ind is exactly 0 (|x| ≤ 0.625) or 1 (NaN passes through). */
    private static void blend(double[] xc, double[] nn, double[] ee, double[] sm, double[] ss, int m) {
        for (int i = 0; i < m; i++) {
            double ind = Math.min(1.0, Math.max(0.0, (Math.abs(xc[i]) - TANH_SMALL) * 0x1p1000));
            ss[i] = ind * (nn[i] * ee[i]) + (1.0 - ind) * sm[i];
        }
    }

    private static final int TANH_BLOCK = 512;
    private static final double TANH_SMALL = 0.625, TANH_CLAMP = 20.0;
    /** 1.5·2^52: (v + RINT) − RINT rounds v to an integer (|v| &lt; 2^51) in double arithmetic. */
    private static final double RINT = 6755399441055744.0;
    private static final double INV_LN2 = 1.4426950408889634;
    // ln 2 split for Cody–Waite reduction (fdlibm's ln2HI/ln2LO)
    private static final double LN2_HI = 6.93147180369123816490e-01, LN2_LO = 1.90821492927058770002e-10;
    private static final double E3 = 1.0 / 6, E4 = 1.0 / 24, E5 = 1.0 / 120, E6 = 1.0 / 720, E7 = 1.0 / 5040, E8 = 1.0 / 40320,
            E9 = 1.0 / 362880, E10 = 1.0 / 3628800, E11 = 1.0 / 39916800, E12 = 1.0 / 479001600, E13 = 1.0 / 6227020800.0;

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
