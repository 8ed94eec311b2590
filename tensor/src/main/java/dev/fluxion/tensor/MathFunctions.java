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
     * o[i] = tanh(x[i]) for i in [from, to), bit for bit the scalar {@link #tanh(double)}; x and o
     * may be the same array. Written as short branch-free passes over blocks in scratch arrays,
     * because HotSpot's C2 (JDK 17) vectorises only loops small enough to unroll whose arrays are
     * indexed alike (the same index plus constants: an offset that is a variable, such as the
     * block's start in one array and 0 in another, keeps the loop scalar): both ranges are computed
     * and an exact 0/1 indicator keeps one; 2^{−n} is the product of exact factors
     * 1 + b·(2^{−2^k} − 1) over the bits b of n (found by rounding with the 1.5·2^52 shift, which
     * needs no integer conversion, the step C2 does not vectorise).
     *
     * <p>A block of small activations (|x| ≤ 0.625 throughout, as in a fresh network) takes the
     * small range's pass alone, in place, after a check ({@link #badGroups}) that folds max |x|
     * in vectorised halves through o; a block with a few large values among small ones (a network
     * in training) takes it too, then the scalar form where the check found them. Where o is x or
     * the block is the range's partial last one the check is an early-exit scan, and any large
     * value sends the block to the general passes. Their scratch arrays are the calling thread's
     * ({@link Scratch}), not allocated per call.
     */
    public static void tanh(double[] x, double[] o, int from, int to) {
        if (to - from < 32) {   // the passes would cost more than they save
            for (int i = from; i < to; i++) o[i] = tanh(x[i]);
            return;
        }
        Scratch s = null;
        for (int b0 = from; b0 < to; b0 += TANH_BLOCK) {
            int m = Math.min(TANH_BLOCK, to - b0);
            int bad = m == TANH_BLOCK && x != o ? badGroups(x, o, b0) : allSmall(x, b0, m) ? 0 : -1;
            if (Integer.bitCount(bad) <= PATCH_GROUPS) {
                small(x, o, b0, m);   // no clamp needed
                if (bad != 0) patch(x, o, b0, bad);
                continue;
            }
            if (s == null) s = SCRATCH.get();
            general(x, o, b0, m, s);
        }
    }

    /**
     * Groups (of {@link #badGroups}) holding a large |x| or NaN, up to which a block takes the small
     * pass and the scalar form for those groups' large elements rather than the general passes.
     * Measured (JDK 17, one core): the general passes ~4.5–5 ns per element of the block; the small
     * pass with 8 groups all large (128 scalar calls of ~9 ns) ~3.5 ns, with one large value ~0.9 ns.
     */
    private static final int PATCH_GROUPS = 8;

    /** A thread's scratch blocks for the array tanh (RowPool's workers and the fork-join pool's threads each have their own). */
    private static final class Scratch {
        final double[] xc = new double[TANH_BLOCK], sm = new double[TANH_BLOCK], nn = new double[TANH_BLOCK],
                ee = new double[TANH_BLOCK], ss = new double[TANH_BLOCK];
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** o[b0, b0 + m) = tanh(x[b0, b0 + m)) by both ranges' passes over the block copied into scratch. */
    private static void general(double[] x, double[] o, int b0, int m, Scratch s) {
        double[] xc = s.xc, sm = s.sm, nn = s.nn, ee = s.ee, ss = s.ss;
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

    // The passes of the array form, each a loop short enough for C2 to unroll and vectorise.

    /**
     * For the whole block x[b0, b0 + 512), the bit mask of the 32 groups {b0 + g + 32k : k < 16}
     * (g = 0..31) that hold some |x| > 0.625 or NaN; 0 when every element is in the small range.
     * Uses o[b0, b0 + 256) (o not x) as scratch: max |x| folded in halves, each fold a loop over one
     * index whose second offset is a constant (so C2 vectorises it, with Math.max's NaN propagation),
     * down to the groups' 32 maxima. About half the cost of the early-exit scan of the block it
     * replaces: a scan stops early only when it fails, and C2 does not vectorise it, nor (JDK 17)
     * a max reduction cheaply, which it reduces each vector inside the loop.
     */
    private static int badGroups(double[] x, double[] o, int b0) {
        for (int i = b0; i < b0 + 256; i++) o[i] = Math.max(Math.abs(x[i]), Math.abs(x[i + 256]));
        for (int i = b0; i < b0 + 128; i++) o[i] = Math.max(o[i], o[i + 128]);
        for (int i = b0; i < b0 + 64; i++) o[i] = Math.max(o[i], o[i + 64]);
        for (int i = b0; i < b0 + 32; i++) o[i] = Math.max(o[i], o[i + 32]);
        int bad = 0;
        for (int g = 0; g < 32; g++) if (!(o[b0 + g] <= TANH_SMALL)) bad |= 1 << g;
        return bad;
    }

    /** o[i] = tanh(x[i]) by the scalar form for the large |x| (or NaN) of the groups in bad (a {@link #badGroups} mask). */
    private static void patch(double[] x, double[] o, int b0, int bad) {
        for (int g = 0; g < 32; g++) {
            if ((bad & (1 << g)) == 0) continue;
            for (int i = b0 + g; i < b0 + TANH_BLOCK; i += 32) if (!(Math.abs(x[i]) <= TANH_SMALL)) o[i] = tanh(x[i]);
        }
    }

    /** Clamps to ±20 in place. */
    private static void clamp(double[] xc, int m) {
        for (int i = 0; i < m; i++) xc[i] = Math.max(-TANH_CLAMP, Math.min(TANH_CLAMP, xc[i]));
    }

    /** Whether every |x| ≤ 0.625 in x[off, off + m) (NaN is not): a scan that stops early. */
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

    /** The passes' block: 512 doubles (4 KiB) per scratch array, the length {@link #badGroups} folds. */
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
