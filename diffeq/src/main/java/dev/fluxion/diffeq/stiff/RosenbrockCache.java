package dev.fluxion.diffeq.stiff;

import dev.fluxion.diffeq.StepCache;

/** A Rosenbrock step's cache: its stage increments k, which the dense output combines with u and u_new. */
public final class RosenbrockCache<S> implements StepCache {
    /** The s stage increments of the step; null for a step rejected before its stages (a singular W). */
    final S[] k;

    RosenbrockCache(S[] k) { this.k = k; }

    @Override public int storedStates() { return k == null ? 0 : k.length; }
}
