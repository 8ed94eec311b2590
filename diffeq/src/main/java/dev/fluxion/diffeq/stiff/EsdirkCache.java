package dev.fluxion.diffeq.stiff;

import dev.fluxion.diffeq.StepCache;

/** An ESDIRK step's cache: its stage derivatives z_j = h f(U_j), which the dense output combines with u. */
public final class EsdirkCache<S> implements StepCache {
    /** The s stage derivatives (scaled by h); null for a step rejected before its stages finished. */
    final S[] z;

    EsdirkCache(S[] z) { this.z = z; }

    @Override public int storedStates() { return z == null ? 0 : z.length; }
}
