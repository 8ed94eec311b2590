package dev.fluxion.diffeq.ensemble;

/**
 * The seed of trajectory i: the i-th output of SplitMix64 started at the ensemble's seed (Steele,
 * Lea and Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014; the 64-bit
 * finaliser is Stafford's "Mix13", the one {@link java.util.SplittableRandom} uses). A function of
 * (seed, i) alone, so a trajectory draws the same noise serially, on any thread and in any batch;
 * neighbouring indices give unrelated seeds (seed + i would start generators such as
 * {@code java.util.Random} in correlated states).
 */
public final class TrajectorySeeds {
    private TrajectorySeeds() {}

    /** SplitMix64's increment: the odd integer nearest 2^64 / φ. */
    private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;

    public static long of(long ensembleSeed, int i) {
        if (i < 0) throw new IllegalArgumentException("trajectory index must be non-negative, got " + i);
        return mix64(ensembleSeed + (i + 1L) * GOLDEN_GAMMA);
    }

    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
