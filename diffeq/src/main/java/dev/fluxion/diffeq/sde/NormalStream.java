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
 * <p>Not thread-safe; the Brownian tree reseeds one instance per node it splits.
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

    static {
        X[0] = V / f(R);
        X[1] = R;
        for (int i = 1; i < 255; i++) X[i + 1] = StrictMath.sqrt(-2 * StrictMath.log(f(X[i]) + V / X[i]));
        X[256] = 0.0;
        for (int i = 0; i < 256; i++) F[i] = f(X[i]);
        F[256] = 1.0;
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
            // a signed uniform in (−1, 1), symmetric about 0, from the top 52 bits (exact: 53
            // significant bits at most); no branch on the sign, which would be mispredicted half the time
            double u = ((b >> 12) + 0.5) * 0x1.0p-51;
            double x = u * X[i];
            double ax = Math.abs(x);
            if (ax < X[i + 1]) return x;                  // inside the rectangle wholly under the curve
            if (i == 0) return u < 0 ? -tail() : tail();
            // the wedge of layer i: |x| in [X[i+1], X[i]), y uniform in [F[i], F[i+1]]
            double y = F[i] + uniformOpenClosed() * (F[i + 1] - F[i]);
            if (y < f(ax)) return x;
        }
    }

    /** |Z| given |Z| &gt; r: Marsaglia (1964), x = −ln U₁ / r, y = −ln U₂, accepted when 2y &gt; x² (package-private for the spec of its law). */
    double tail() {
        while (true) {
            double x = -StrictMath.log(uniformOpenClosed()) / R;
            double y = -StrictMath.log(uniformOpenClosed());
            if (y + y > x * x) return R + x;
        }
    }

    private static double f(double x) { return StrictMath.exp(-0.5 * x * x); }

    /** SplitMix64's finaliser (Steele, Lea &amp; Flood 2014): a bijective mix of 64 bits. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
