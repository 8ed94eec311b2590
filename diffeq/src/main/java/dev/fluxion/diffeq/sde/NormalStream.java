package dev.fluxion.diffeq.sde;

/**
 * Standard normal draws from a SplitMix64 stream (Steele, Lea &amp; Flood 2014) by the ziggurat
 * method of Marsaglia &amp; Tsang (2000), "The Ziggurat Method for Generating Random Variables",
 * J. Stat. Softw. 5(8), with 256 layers: the density's upper half is covered by 255 rectangles and
 * a base strip (rectangle plus tail), all of area v; a draw picks a layer and a point in it, and
 * about 99 % of draws are accepted by one table comparison, with no logarithm or trigonometry
 * (a Box–Muller pair costs a log, a sqrt, a cos and a sin). The rest test the wedge under
 * exp(−x²/2) or, from the base strip, sample the tail beyond r by Marsaglia (1964)'s method, so
 * the law is exactly N(0, 1) up to the resolution of the uniforms.
 *
 * <p>Each draw reads one 64-bit word and uses disjoint bits of it for the layer (8 bits) and the
 * signed uniform (52 bits), so layer and abscissa are independent (the correlation
 * Doornik (2005) found in the original's 32-bit version, which reused the layer's bits, does not
 * arise). The tables and the rare wedge and tail tests use {@link StrictMath}, so a seed gives the
 * same draws on every JVM and platform.
 *
 * <p>Not thread-safe. The Brownian tree reads each of a split's normals as the first draw of the
 * node's stream at a position of its own ({@link #firstNormal}), continuing it in a spare
 * instance on the rare draws that need more than one word.
 */
final class NormalStream {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;
    /**
     * Marsaglia &amp; Tsang's constants for 256 layers of f(x) = exp(−x²/2): the base strip's right
     * edge r, and the common area v = r·f(r) + √(π/2)·erfc(r/√2) (their 4.92867323399e-3, here to
     * double precision; with it the 255th layer's top meets f(0) = 1 to 7e-16 of v).
     */
    static final double R = 3.6541528853610088, V = 4.928673233974658e-3;
    /** Layer edges X[0] = v/f(r) &gt; X[1] = r &gt; … &gt; X[255] &gt; X[256] = 0, and F[i] = f(X[i]) (F[256] = 1). */
    private static final double[] X = new double[257], F = new double[257];
    /** X[i]·2⁻⁵² (exact): the layer's width per unit of the 53-bit odd integer a draw reads. */
    private static final double[] XS = new double[256];

    /**
     * Linear bounds of f on each layer's wedge, lo(x) = LO_A + LO_B·x ≤ f(x) ≤ HI_A + HI_B·x for x
     * in [X[i+1], X[i]], each moved out by {@link #SQUEEZE_MARGIN}: the chord and the tangent at
     * X[i+1] (f is concave on |x| ≤ 1, where the chord lies below and the tangent above, and convex
     * beyond, where they swap); the layer around 1 has none. A wedge point below lo is accepted and
     * one above hi rejected without the exponential (a squeeze, Marsaglia 1977), so the decision is
     * exactly {@code y < f(x)} and the draws are unchanged; only points between the bounds pay for it.
     */
    private static final double[] LO_A = new double[256], LO_B = new double[256], HI_A = new double[256], HI_B = new double[256];
    /** Far above the rounding of the tables and bounds (~1e-16) and of StrictMath.exp (under 1 ulp). */
    private static final double SQUEEZE_MARGIN = 1e-12;

    static {
        X[0] = V / f(R);
        X[1] = R;
        for (int i = 1; i < 255; i++) X[i + 1] = StrictMath.sqrt(-2 * StrictMath.log(f(X[i]) + V / X[i]));
        X[256] = 0.0;
        for (int i = 0; i < 256; i++) F[i] = f(X[i]);
        F[256] = 1.0;
        for (int i = 0; i < 256; i++) XS[i] = X[i] * 0x1.0p-52;
        for (int i = 1; i < 256; i++) {
            double x1 = X[i + 1], x0 = X[i];
            double cb = (F[i] - F[i + 1]) / (x0 - x1), ca = F[i + 1] - cb * x1;   // the chord
            double tb = -x1 * F[i + 1], ta = F[i + 1] - tb * x1;                  // the tangent at x1: f'(x) = −x f(x)
            if (x0 <= 1.0) {            // concave: chord ≤ f ≤ tangent
                LO_A[i] = ca - SQUEEZE_MARGIN; LO_B[i] = cb; HI_A[i] = ta + SQUEEZE_MARGIN; HI_B[i] = tb;
            } else if (x1 >= 1.0) {     // convex: tangent ≤ f ≤ chord
                LO_A[i] = ta - SQUEEZE_MARGIN; LO_B[i] = tb; HI_A[i] = ca + SQUEEZE_MARGIN; HI_B[i] = cb;
            } else {                    // the inflection inside: no squeeze
                LO_A[i] = Double.NEGATIVE_INFINITY; HI_A[i] = Double.POSITIVE_INFINITY;
            }
        }
    }

    private long state;

    NormalStream(long state) { this.state = state; }

    /** Restarts the stream at a new state (the tree's node seed). */
    void reset(long state) { this.state = state; }

    /** The next 64 bits: SplitMix64 (a Weyl sequence through the bijective finaliser). */
    long nextLong() {
        state += GOLDEN;
        return mix(state);
    }

    /** A uniform in (0, 1] with 53 bits. */
    double uniformOpenClosed() {
        return ((nextLong() >>> 11) + 1) * 0x1.0p-53;
    }

    /** One N(0, 1) draw. */
    double normal() {
        while (true) {
            long b = nextLong();
            int i = (int) b & 0xFF;
            // a signed uniform u = ((b >> 12) + 1/2)·2⁻⁵¹ in (−1, 1), symmetric about 0, from the
            // top 52 bits, times X[i]: written as the odd integer (b >> 11) | 1 = 2·(b >> 12) + 1
            // (53 significant bits at most, exact) times X[i]·2⁻⁵² (a power of two, exact), the
            // same product rounded once, so the same x; no branch on the sign
            double x = ((b >> 11) | 1) * XS[i];
            double ax = Math.abs(x);
            if (ax < X[i + 1]) return x;                  // inside the rectangle wholly under the curve
            if (i == 0) return b < 0 ? -tail() : tail();
            // the wedge of layer i: |x| in [X[i+1], X[i]), y uniform in [F[i], F[i+1]]
            double y = F[i] + uniformOpenClosed() * (F[i + 1] - F[i]);
            if (underCurve(i, ax, y)) return x;
        }
    }

    /** y &lt; f(ax) for a point of layer i's wedge (1 ≤ i ≤ 255): the squeeze, then the exponential only between its bounds. */
    static boolean underCurve(int i, double ax, double y) {
        if (y < LO_A[i] + LO_B[i] * ax) return true;
        if (y > HI_A[i] + HI_B[i] * ax) return false;
        return y < f(ax);
    }

    /** Layer i's wedge: |x| in [X[i+1], X[i]] and y in [F[i], F[i+1]] (for the spec of the squeeze). */
    static double[] wedge(int i) { return new double[] {X[i + 1], X[i], F[i], F[i + 1]}; }

    /**
     * The first draw of the stream at state s, {@code reset(s); normal()}, without touching a
     * stream object on the ~99 % of draws that the first word's rectangle accepts (one finaliser,
     * no state stored between draws, so a node's draws need not wait for one another); the rest
     * continue the stream in {@code spare}, so the value is exactly the stream's.
     */
    static double firstNormal(long s, NormalStream spare) {
        long b = mix(s + GOLDEN);
        int i = (int) b & 0xFF;
        double x = ((b >> 11) | 1) * XS[i];
        if (Math.abs(x) < X[i + 1]) return x;
        spare.reset(s);
        return spare.normal();
    }

    /** |Z| given |Z| &gt; r: Marsaglia (1964), x = −ln U₁ / r, y = −ln U₂, accepted when 2y &gt; x² (package-private for the spec of its law). */
    double tail() {
        while (true) {
            double x = -StrictMath.log(uniformOpenClosed()) / R;
            double y = -StrictMath.log(uniformOpenClosed());
            if (y + y > x * x) return R + x;
        }
    }

    /** exp(−x²/2), the unnormalised density (package-private for the spec of the squeeze). */
    static double f(double x) { return StrictMath.exp(-0.5 * x * x); }

    /** SplitMix64's finaliser (Steele, Lea &amp; Flood 2014): a bijective mix of 64 bits. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
