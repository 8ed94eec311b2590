package dev.fluxion.diffeq.ode;

import dev.fluxion.diffeq.StepCache;

/** An explicit Runge–Kutta step's cache: its stages k, and the interpolant's extra stages once computed. */
public final class RkStages<S> implements StepCache {
    /** The s stages of the step. */
    final S[] k;
    /** k followed by the interpolant's extra stages (Verner's), computed on the first interpolation; null before. */
    S[] withExtras;

    RkStages(S[] k) { this.k = k; }

    /** Stage i's derivative f(U_i, t + c_i h) (read-only; automatic stiffness detection reads the last two). */
    public S stage(int i) { return k[i]; }

    /** The number of stages. */
    public int stages() { return k.length; }

    @Override public int storedStates() { return withExtras != null ? withExtras.length : k.length; }
}
