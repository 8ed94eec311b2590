package dev.fluxion.diffeq.sde;

/**
 * A Brownian path W(t) of m independent channels on [lo, hi], determined by a seed alone: a
 * virtual Brownian tree (Gaines &amp; Lyons 1997; torchsde's {@code BrownianTree}, Li et al. 2020).
 * The span is split dyadically; each node of the tree holds its interval's increment ΔW and its
 * space-time Lévy area H = (1/h)∫(W(r) − W(a) − (r − a)/h·ΔW) dr, and a node's children are drawn
 * from the exact conditional law of the two halves given the parent, with a PRNG seed that is a
 * function of the parent's seed and the side. So any W(t), any increment W(s, t) and any
 * iterated integral I_(1,0) over [s, t] is the same whichever order and thread asks for it: an
 * adaptive solve that rejects a step sees the Brownian bridge of the increment it rejected (the
 * role of Rackauckas &amp; Nie's rejection sampling with memory), and an adjoint can replay the path
 * backwards.
 *
 * <p>Splitting a node of width h with (ΔW, H) into halves of width h/2 (a Gaussian conditioning,
 * derived in docs/ARCHITECTURE.md; the same formulas as Foster's, used by torchsde's
 * BrownianInterval): d = 3/2·H + √(h/16)·Z₁, ΔW₁ = ΔW/2 + d, ΔW₂ = ΔW/2 − d, S = H − d/2,
 * D = √(h/48)·Z₂, H₁ = S + D, H₂ = S − D. Below the last level the path inside a leaf of width w is
 * the quadratic W(a) + θΔW + 6Hθ(1 − θ), which keeps W and ∫W continuous and consistent with the
 * leaf's (ΔW, H); the default 24 levels give leaves of (hi − lo)·2⁻²⁴, far below any step a solve
 * takes on the span.
 *
 * <p>The normals come from each node's own SplitMix64 stream by the ziggurat method
 * ({@link NormalStream}, Marsaglia &amp; Tsang 2000): exact N(0, 1) draws with no logarithm or
 * trigonometry on ~99 % of draws, and no allocation per split. Each of a split's normals reads
 * the stream from a position of its own and the child's seed is another word of it, so a split
 * costs one SplitMix64 finaliser per normal and one for the seed, all independent of one another.
 *
 * <p>Queries are cached along the last root-to-leaf path, so sequential queries cost a few levels.
 * Methods are synchronized; for parallel solves give each its own tree from the same seed (they
 * agree exactly).
 */
public final class BrownianTree {
    /** Default depth of the tree: leaves of width (hi − lo)·2⁻²⁴. */
    public static final int DEFAULT_LEVELS = 24;
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;
    /** A split's normals read the node's stream 2³² words apart: the state advances by 2³²·γ. */
    private static final long NORMAL_STRIDE = GOLDEN << 32;
    /** The child seeds: the node's stream words at positions 2⁶² + 1 (left) and 2⁶² + 2 (right); this is the left one's state (position·γ). */
    private static final long CHILD_LEFT = (GOLDEN << 62) + GOLDEN;

    private final long seed;
    private final double lo, hi;
    private final int m, levels;
    // the cached path: node at depth d covers [a[d], a[d] + width[d]]; width[d] = (hi − lo)·2⁻ᵈ exactly
    private final double[] a, width;
    /** The split's conditional standard deviations per depth: √(h/16) and √(h/48) for the node's width h. */
    private final double[] sd1, sd2;
    // W(a), ∫_lo^a W, ΔW and H of the node at depth d, channel k, at [d·m + k]
    private final double[] wa, ja, dw, hh;
    private final long[] nodeSeed;
    private int depth;                         // deepest valid level of the cached path
    private final NormalStream normals = new NormalStream(0L);
    // the last two points asked for (an increment reads its start, usually the previous end)
    private final double[] memoT = {Double.NaN, Double.NaN};
    private final double[][] memoW, memoJ;
    private int memoNext;

    /** A path of channels independent Brownian motions on the span of [t0, t1] (either order). */
    public BrownianTree(long seed, double t0, double t1, int channels) {
        this(seed, t0, t1, channels, DEFAULT_LEVELS);
    }

    public BrownianTree(long seed, double t0, double t1, int channels, int levels) {
        if (!Double.isFinite(t0) || !Double.isFinite(t1) || t0 == t1) {
            throw new IllegalArgumentException("BrownianTree: the span [" + t0 + ", " + t1 + "] must be finite and non-empty");
        }
        if (channels < 1) throw new IllegalArgumentException("BrownianTree: needs at least one channel, got " + channels);
        if (levels < 1 || levels > 48) throw new IllegalArgumentException("BrownianTree: levels must be in [1, 48], got " + levels);
        this.seed = seed;
        this.lo = Math.min(t0, t1);
        this.hi = Math.max(t0, t1);
        this.m = channels;
        this.levels = levels;
        a = new double[levels + 1];
        width = new double[levels + 1];
        sd1 = new double[levels + 1];
        sd2 = new double[levels + 1];
        int cells = (levels + 1) * m;
        wa = new double[cells];
        ja = new double[cells];
        dw = new double[cells];
        hh = new double[cells];
        nodeSeed = new long[levels + 1];
        memoW = new double[2][m];
        memoJ = new double[2][m];
        double len = hi - lo;
        for (int d = 0; d <= levels; d++) {
            width[d] = d == 0 ? len : width[d - 1] / 2;   // halving is exact
            sd1[d] = Math.sqrt(width[d] / 16);
            sd2[d] = Math.sqrt(width[d] / 48);
        }
        // the root: W(lo) = 0, ΔW ~ N(0, L), H ~ N(0, L/12)
        a[0] = lo;
        nodeSeed[0] = NormalStream.mix(seed ^ 0x5DEECE66DL);
        normals.reset(NormalStream.mix(nodeSeed[0] ^ 0x2545F4914F6CDD1DL));   // not the stream that splits the root (that one draws its children)
        double sw = Math.sqrt(len), sh = Math.sqrt(len / 12.0);
        for (int k = 0; k < m; k++) {
            dw[k] = sw * normals.normal();
            hh[k] = sh * normals.normal();
        }
        depth = 0;
    }

    /** The seed this path was made from. */
    public long seed() { return seed; }

    /** Number of independent channels. */
    public int channels() { return m; }

    /** The span the path covers. */
    public double lo() { return lo; }

    public double hi() { return hi; }

    /** W(t) − W(lo), one value per channel. */
    public synchronized double[] w(double t) {
        int s = locate(t);
        return memoW[s].clone();
    }

    /**
     * The increment ΔW = W(t) − W(s) per channel into dW, and the space-time Lévy area H over the
     * interval into levy, so that I_(1,0) = ∫_s^t (W(r) − W(s)) dr = (t − s)(ΔW/2 + H): the second
     * Gaussian the order-1.5 methods need (DifferentialEquations.jl's ΔZ is 2√3·H). Either array
     * may be null.
     */
    public synchronized void increment(double s, double t, double[] dW, double[] levy) {
        int is = locate(s);
        memoNext = is ^ 1;   // t fills the other slot, so s's values stay put (no copy)
        int it = locate(t);
        double[] ws = memoW[is], js = memoJ[is], wt = memoW[it], jt = memoJ[it];
        double h = t - s;
        for (int k = 0; k < m; k++) {
            double d = wt[k] - ws[k];
            if (dW != null) dW[k] = d;
            if (levy != null) levy[k] = h == 0 ? 0.0 : (jt[k] - js[k] - ws[k] * h) / h - d / 2;
        }
    }

    // ------------------------------------------------------------------ the tree

    /** Fills a memo slot with W(t) and ∫_lo^t W; returns the slot. */
    private int locate(double t) {
        for (int i = 0; i < 2; i++) if (memoT[i] == t) return i;
        if (!(t >= lo - 1e-12 * (hi - lo) && t <= hi + 1e-12 * (hi - lo))) {
            throw new IllegalArgumentException("BrownianTree: t = " + t + " is outside the path's span [" + lo + ", " + hi + "]");
        }
        double tc = Math.min(hi, Math.max(lo, t));
        int d = depth;
        while (d > 0 && !(tc >= a[d] && tc <= a[d] + width[d])) d--;
        while (d < levels) {
            split(d, tc >= a[d] + width[d] / 2);
            d++;
        }
        depth = levels;
        int slot = memoNext;
        memoNext ^= 1;
        memoT[slot] = t;
        double w = width[levels];
        double th = (tc - a[levels]) / w;
        double q = 6 * th * (1 - th), r = 6 * (th * th / 2 - th * th * th / 3);
        double[] mw = memoW[slot], mj = memoJ[slot];
        int o = levels * m;
        for (int k = 0; k < m; k++) {
            double w0 = wa[o + k], dk = dw[o + k], hk = hh[o + k];
            mw[k] = w0 + th * dk + q * hk;
            mj[k] = ja[o + k] + w * (th * w0 + th * th * dk / 2 + r * hk);
        }
        return slot;
    }

    /**
     * Makes the child of node d (left or right) node d + 1 of the cached path. Normal j of the
     * split (channel k's two are j = 2k, 2k + 1) is the first ziggurat draw of the node's
     * SplitMix64 stream read from position j·2³² ({@link NormalStream#firstNormal}: the stream's
     * state is the node's seed plus j·2³²·γ), and the child's seed is the stream's word at
     * position 2⁶² + side: every value a function of the node alone, each one finaliser on the
     * common path, none waiting for another. (Streams of 2³² words per normal cannot overlap: a
     * ziggurat draw reads a second word about 1 % of the time.)
     */
    private void split(int d, boolean right) {
        // the side as numbers, not a branch: which half a query falls in is a coin toss per level,
        // so a branch on it is mispredicted half the time. x + 0·y = x and x + 1·y = x + y, so
        // these are the sums the two sides would write (the right child's in the same order).
        int side = right ? 1 : 0;
        double hs = side * width[d + 1], sg = 1 - 2 * side;
        long s = nodeSeed[d];
        double s1 = sd1[d], s2 = sd2[d];
        int c = d + 1;
        a[c] = a[d] + hs;
        nodeSeed[c] = NormalStream.mix(s + CHILD_LEFT + side * GOLDEN);
        NormalStream spare = normals;
        int op = d * m, oc = c * m;
        long sj = s;
        for (int k = 0; k < m; k++, sj += 2 * NORMAL_STRIDE) {
            double z0 = NormalStream.firstNormal(sj, spare), z1 = NormalStream.firstNormal(sj + NORMAL_STRIDE, spare);
            double dW = dw[op + k], H = hh[op + k], wp = wa[op + k];
            double dd = 1.5 * H + s1 * z0;
            double a1 = dW / 2 + dd;
            double sm = H - dd / 2, df = s2 * z1;
            double h1 = sm + df;
            wa[oc + k] = wp + side * a1;
            ja[oc + k] = ja[op + k] + hs * wp + hs * a1 / 2 + hs * h1;
            dw[oc + k] = dW / 2 + sg * dd;    // a1 on the left, a2 = ΔW/2 − d on the right
            hh[oc + k] = sm + sg * df;        // h1 on the left, h2 = S − D on the right
        }
    }
}
