package dev.fluxion.diffeq.stiff;

import dev.fluxion.diffeq.StepCache;

/**
 * An ESDIRK step's cache: the stage derivatives the dense output combines with u, z_j = h f(U_j)
 * (with a mass matrix, ẑ_j with U_i − u = Σ_j a_ij ẑ_j: see {@link EsdirkStepper}).
 */
public final class EsdirkCache<S> implements StepCache {
    /** The s stage derivatives (scaled by h); null for a rejected step whose stages did not finish. */
    final S[] z;

    EsdirkCache(S[] z) { this.z = z; }

    @Override public int storedStates() { return z == null ? 0 : z.length; }
}
