package dev.fluxion.diffeq.sde;

/**
 * A Brownian path W(t) of m independent channels on [lo, hi], determined by a seed alone: a
 * virtual Brownian tree (Gaines &amp; Lyons 1997; torchsde's {@code BrownianTree}, Li et al. 2020).
 * The span is split dyadically; each node of the tree holds its interval's increment ΔW and its
 * space-time Lévy area H = (1/h)∫(W(r) − W(a) − (r − a)/h·ΔW) dr, and a node's children are drawn
 * from the exact conditional law of the two halves given the parent, with normals that are a
 * function of the path's seed and the node's place in the tree alone. So any W(t), any increment
 * W(s, t) and any iterated integral I_(1,0) over [s, t] is the same whichever order and thread
 * asks for it: an adaptive solve that rejects a step sees the Brownian bridge of the increment it
 * rejected (the role of Rackauckas &amp; Nie's rejection sampling with memory), and an adjoint can
 * replay the path backwards.
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
 * trigonometry on ~99 % of draws, and no allocation per split. A node's seed is the word of the
 * path's own SplitMix64 stream at the node's heap index n (the root 1, node n's children 2n and
 * 2n + 1), and each of a split's normals reads the node's stream from a position of its own, so a
 * split costs one SplitMix64 finaliser per normal and one for the seed, none waiting for another
 * and none for the parent's: a query's new levels are drawn side by side, not one after another.
 * Distinct nodes have distinct seeds (distinct positions of one stream, through a bijective
 * finaliser), and a node's seed depends on the path's seed and its index only, never on the words
 * its ancestors' draws read, so its normals are as independent of theirs as any two SplitMix64
 * words. (Before, a child's seed was a further word of its parent's stream: the same independence,
 * but each level waited for the finaliser of the one above.)
 *
 * <p>Which half of a node a time falls in is a bit of its leaf index ⌊(t − lo)/w⌋ (w the leaf
 * width): the node at depth d containing t has index ⌊(t − lo)/w⌋ &gt;&gt; (levels − d), so a
 * query finds where its path leaves the cached one from the highest bit in which their leaf
 * indices differ, with no walk back up the tree.
 *
 * <p>Queries are cached along the last root-to-leaf path, so a query costs the levels below the
 * node it shares with the previous one: about log₂(step / leaf width), 13 for the steps of a solve
 * of a few thousand steps at the default depth. A t at the left end of a node stops at that node
 * (the levels below it would only take left children, which change nothing), and adaptive solves
 * put their step ends on such points ({@link #alignedStep}): about 4 levels per query instead.
 * Methods are synchronized; for parallel solves give each its own tree from the same seed (they
 * agree exactly).
 */
public final class BrownianTree {
    /** Default depth of the tree: leaves of width (hi − lo)·2⁻²⁴. */
    public static final int DEFAULT_LEVELS = 24;
    /**
     * alignedStep's grid spacing is under 2⁻² of the step. 3 bits took 1.04–1.07x less CPU than 4
     * in SOSRI's rows, and 2 bits 1.03–1.04x less than 3 (SOSRI forward and ForwardDuals, one JVM,
     * 2026-12-03), each with the same step counts (300 LV solves: 6877 accepted per solve against
     * 6890); 1 bit moves ends by up to a quarter of the step and took 2 % more steps.
     */
    static final int ALIGN_BITS = 2;
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;
    /** A split's normals read the node's stream 2³² words apart: the state advances by 2³²·γ. */
    private static final long NORMAL_STRIDE = GOLDEN << 32;

    private final long seed;
    private final double lo, hi;
    private final int m, levels;
    /** The state of the path's stream whose word at position n is the seed of the node of heap index n. */
    private final long key;
    /** width[d] = (hi − lo)·2⁻ᵈ exactly: the width of the nodes at depth d. */
    private final double[] width;
    /** 1/(hi − lo): times 2ᴸ (exact) it is 1/width[L], alignedStep's grid index per unit of time. */
    private final double perLength;
    /** The split's conditional standard deviations per depth: √(h/16) and √(h/48) for the node's width h. */
    private final double[] sd1, sd2;
    /**
     * The cached path's values channel by channel: W(a), ∫_lo^a W, ΔW and H of its node at depth d
     * (a the node's left end), channel k, at [(k·(levels + 1) + d)·4 + 0, 1, 2, 3], so that a
     * channel's descent writes one run of memory.
     */
    private final double[] node;
    /** The seeds of the nodes a descent splits, by depth: made once per descent, read by every channel's. */
    private final long[] seeds;
    private long leaf;                         // the cached path's leaf index
    private int depth;                         // deepest valid level of the cached path
    private final NormalStream normals = new NormalStream(0L);
    // the last two points asked for (an increment reads its start, usually the previous end)
    private final double[] memoT = {Double.NaN, Double.NaN};
    private final double[][] memoW, memoJ;
    private int memoNext;
    /** For the spec: resolve every t at the leaves, as before aligned ends stopped higher (the same values). */
    boolean fullDepth;

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
        width = new double[levels + 1];
        sd1 = new double[levels + 1];
        sd2 = new double[levels + 1];
        node = new double[(levels + 1) * m * 4];
        seeds = new long[levels];
        memoW = new double[2][m];
        memoJ = new double[2][m];
        double len = hi - lo;
        perLength = 1 / len;
        for (int d = 0; d <= levels; d++) {
            width[d] = d == 0 ? len : width[d - 1] / 2;   // halving is exact
            sd1[d] = Math.sqrt(width[d] / 16);
            sd2[d] = Math.sqrt(width[d] / 48);
        }
        // the root: W(lo) = 0, ΔW ~ N(0, L), H ~ N(0, L/12)
        key = NormalStream.mix(seed ^ 0x5DEECE66DL);
        normals.reset(NormalStream.mix(key ^ 0x2545F4914F6CDD1DL));   // not a node's stream (those draw the children)
        double sw = Math.sqrt(len), sh = Math.sqrt(len / 12.0);
        for (int k = 0; k < m; k++) {
            node[k * (levels + 1) * 4 + 2] = sw * normals.normal();
            node[k * (levels + 1) * 4 + 3] = sh * normals.normal();
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

    /**
     * A step h from t (either sign) moved so that t + h is the nearest point of the path's dyadic
     * grid of spacing g = (hi − lo)·2⁻ᴸ, the coarsest with g &lt; |h|/4 (not finer than the leaves):
     * h changes by g/2 &lt; |h|/8 at most (to the rounding of the grid index). The tree then resolves W(t + h) at depth L instead of
     * at its leaves (see locate), the same values bit for bit: about 4 levels of descent instead of
     * about 12 for the steps of a typical adaptive solve. h itself when the grid point would leave the span,
     * change h's sign, or not be t + h exactly in floating point.
     */
    public double alignedStep(double t, double h) {
        double ah = Math.abs(h);
        if (!(ah > 0) || ah == Double.POSITIVE_INFINITY) return h;
        double ratio = width[0] / ah;
        if (!(ratio < 0x1p60)) return h;
        int L = Math.max(0, Math.getExponent(ratio) + 1 + ALIGN_BITS);
        if (L > levels) return h;   // a step within a few leaves: its end is resolved at the leaves anyway
        double k = Math.rint((t + h - lo) * perLength * (1L << L));   // the nearest multiple (or one of two, at a tie of rounding)
        double end = lo + k * width[L];
        double hn = end - t;
        if (!(end >= lo && end <= hi) || !(hn * h > 0) || t + hn != end) return h;
        return hn;
    }

    // ------------------------------------------------------------------ the tree

    /** Fills a memo slot with W(t) and ∫_lo^t W; returns the slot. */
    private int locate(double t) {
        for (int i = 0; i < 2; i++) if (memoT[i] == t) return i;
        if (!(t >= lo - 1e-12 * (hi - lo) && t <= hi + 1e-12 * (hi - lo))) {
            throw new IllegalArgumentException("BrownianTree: t = " + t + " is outside the path's span [" + lo + ", " + hi + "]");
        }
        double tc = Math.min(hi, Math.max(lo, t));
        double w = width[levels];
        // the leaf holding tc (hi in the last one); rounding may put a t within an ulp of a leaf's
        // end in its neighbour, where the two quadratics agree to rounding (θ just past 0 or 1)
        long lf = Math.min((long) ((tc - lo) / w), (1L << levels) - 1);
        // the cached path and this one share the nodes above the highest bit where the leaves differ
        int d = Math.min(depth, levels - (64 - Long.numberOfLeadingZeros(lf ^ leaf)));
        double th = (tc - (lo + lf * w)) / w;
        // a t at the left end of its leaf is the left end of the node at depth levels − (the
        // trailing zeros of lf): below it the path only ever takes left children, which keep W(a)
        // and ∫W (x + 0·y = x), so that node's values are the leaf's, bit for bit, and the
        // descent stops there (an aligned step's end, alignedStep, is such a t)
        int to = th == 0.0 && !fullDepth ? levels - Math.min(levels, Long.numberOfTrailingZeros(lf)) : levels;
        if (d < to) descend(d, lf, to);
        leaf = lf;
        depth = Math.max(d, to);
        int slot = memoNext;
        memoNext ^= 1;
        memoT[slot] = t;
        double[] mw = memoW[slot], mj = memoJ[slot], nd = node;
        if (to < levels) {
            for (int k = 0, o = to * 4; k < m; k++, o += (levels + 1) * 4) {
                mw[k] = nd[o];
                mj[k] = nd[o + 1];
            }
            return slot;
        }
        double q = 6 * th * (1 - th), r = 6 * (th * th / 2 - th * th * th / 3);
        for (int k = 0, o = levels * 4; k < m; k++, o += (levels + 1) * 4) {
            double w0 = nd[o], j0 = nd[o + 1], dk = nd[o + 2], hk = nd[o + 3];
            mw[k] = w0 + th * dk + q * hk;
            mj[k] = j0 + w * (th * w0 + th * th * dk / 2 + r * hk);
        }
        return slot;
    }

    /**
     * Makes the cached path's nodes at depths d0 + 1 to `to` those over leaf lf, channel by
     * channel (two at a time, whose chains of conditionings then run side by side).
     */
    private void descend(int d0, long lf, int to) {
        for (int d = d0; d < to; d++) seeds[d] = nodeSeed(d, lf);   // once, not once per pair of channels
        int stride = (levels + 1) * 4, k = 0;
        for (; k + 1 < m; k += 2) descendPair(d0, lf, k * stride, 2L * k * NORMAL_STRIDE, stride, to);
        if (k < m) descendOne(d0, lf, k * stride, 2L * k * NORMAL_STRIDE, to);
    }

    /**
     * The split of the node at depth d over leaf lf: its heap index n = 2ᵈ + (lf &gt;&gt; (levels −
     * d)) and seed, the word of the path's stream at position n (distinct nodes, distinct
     * positions; the streams of different trees start at unrelated states).
     */
    private long nodeSeed(int d, long lf) {
        long n = (1L << d) | (lf >>> (levels - d));
        return NormalStream.mix(key + n * GOLDEN);
    }

    /*
     * Splitting node d (values wp = W(a), jp = ∫_lo^a W, dW, H) into the child that holds the leaf:
     * normal j of the split (channel k's two are j = 2k, 2k + 1) is the first ziggurat draw of the
     * node's SplitMix64 stream read from position j·2³² (NormalStream.firstNormal: the stream's
     * state is the node's seed plus j·2³²·γ); streams of 2³² words per normal cannot overlap (a
     * ziggurat draw reads a second word about 1 % of the time). The side enters as numbers, not a
     * branch (which half a query falls in is a coin toss per level, so a branch on it would be
     * mispredicted half the time): x + 0·y = x and x + 1·y = x + y, so these are the sums the two
     * sides would write (the right child's in the same order). The child's values are held in
     * registers for the next level, not re-read from memory.
     */

    private void descendOne(int d0, long lf, int o, long off, int to) {
        final int levels = this.levels;
        double[] nd = node, width = this.width, sd1 = this.sd1, sd2 = this.sd2;
        long[] sd = seeds;
        NormalStream spare = normals;
        o += d0 * 4;
        double wp = nd[o], jp = nd[o + 1], dW = nd[o + 2], H = nd[o + 3];
        for (int d = d0; d < to; d++) {
            double side = (lf >>> (levels - 1 - d)) & 1, hs = side * width[d + 1], sg = 1 - 2 * side;
            long sj = sd[d] + off;
            double z0 = NormalStream.firstNormal(sj, spare), z1 = NormalStream.firstNormal(sj + NORMAL_STRIDE, spare);
            double dd = 1.5 * H + sd1[d] * z0;
            double a1 = dW / 2 + dd;
            double sm = H - dd / 2, df = sd2[d] * z1;
            double h1 = sm + df;
            jp = jp + hs * wp + hs * a1 / 2 + hs * h1;
            wp = wp + side * a1;
            dW = dW / 2 + sg * dd;    // a1 on the left, a2 = ΔW/2 − d on the right
            H = sm + sg * df;         // h1 on the left, h2 = S − D on the right
            o += 4;
            nd[o] = wp;
            nd[o + 1] = jp;
            nd[o + 2] = dW;
            nd[o + 3] = H;
        }
    }

    /** {@link #descendOne} for channels k and k + 1 (values at o and o + stride, normals from off on). */
    private void descendPair(int d0, long lf, int o, long off, int stride, int to) {
        final int levels = this.levels;
        double[] nd = node, width = this.width, sd1 = this.sd1, sd2 = this.sd2;
        long[] sd = seeds;
        NormalStream spare = normals;
        o += d0 * 4;
        int p = o + stride;
        double wp = nd[o], jp = nd[o + 1], dW = nd[o + 2], H = nd[o + 3];
        double wq = nd[p], jq = nd[p + 1], dV = nd[p + 2], G = nd[p + 3];
        for (int d = d0; d < to; d++) {
            double side = (lf >>> (levels - 1 - d)) & 1, hs = side * width[d + 1], sg = 1 - 2 * side;
            double s1 = sd1[d], s2 = sd2[d];
            long sj = sd[d] + off;
            double z0 = NormalStream.firstNormal(sj, spare), z1 = NormalStream.firstNormal(sj + NORMAL_STRIDE, spare);
            double y0 = NormalStream.firstNormal(sj + 2 * NORMAL_STRIDE, spare), y1 = NormalStream.firstNormal(sj + 3 * NORMAL_STRIDE, spare);
            double dd = 1.5 * H + s1 * z0;
            double a1 = dW / 2 + dd;
            double sm = H - dd / 2, df = s2 * z1;
            double h1 = sm + df;
            jp = jp + hs * wp + hs * a1 / 2 + hs * h1;
            wp = wp + side * a1;
            dW = dW / 2 + sg * dd;
            H = sm + sg * df;
            double ee = 1.5 * G + s1 * y0;
            double b1 = dV / 2 + ee;
            double tm = G - ee / 2, ef = s2 * y1;
            double g1 = tm + ef;
            jq = jq + hs * wq + hs * b1 / 2 + hs * g1;
            wq = wq + side * b1;
            dV = dV / 2 + sg * ee;
            G = tm + sg * ef;
            o += 4;
            p += 4;
            nd[o] = wp;
            nd[o + 1] = jp;
            nd[o + 2] = dW;
            nd[o + 3] = H;
            nd[p] = wq;
            nd[p + 1] = jq;
            nd[p + 2] = dV;
            nd[p + 3] = G;
        }
    }
}
