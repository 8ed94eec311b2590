package dev.fluxion.diffeq.composite;

import dev.fluxion.diffeq.Step;
import dev.fluxion.diffeq.StepCache;

/** A composite step's cache: the step as the algorithm that took it made it (its own interpolant's data), and which algorithm that was. */
public final class AutoSwitchCache<S> implements StepCache {
    final Step<S, ?> inner;
    final boolean stiff;
    private final String algorithm;

    AutoSwitchCache(Step<S, ?> inner, boolean stiff, String algorithm) {
        this.inner = inner;
        this.stiff = stiff;
        this.algorithm = algorithm;
    }

    /** Whether the stiff method took this step. */
    public boolean stiff() { return stiff; }

    /** The name of the algorithm that took this step. */
    public String algorithm() { return algorithm; }

    @Override public int storedStates() { return inner.cache.storedStates(); }
}
