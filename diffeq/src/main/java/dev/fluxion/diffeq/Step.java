package dev.fluxion.diffeq;

/**
 * One attempted step from (t, u) to t + h, as a {@link Stepper} returns it: the new state, the
 * weighted error estimate, f at the new state when the method has it for free (FSAL), and the
 * family's own cache for its interpolant.
 *
 * @param <S> the state type of the execution plan (tensors, or flat arrays)
 * @param <C> the stepper family's cache
 */
public final class Step<S, C extends StepCache> {
    public final double t;
    public final double h;
    public final S u;
    public final S fu;
    public final S unew;
    /** f(unew, t + h) when the method computed it (FSAL), else null until the integrator fills it in. */
    public S fnew;
    /** Weighted error estimate (≤ 1 accepts for the PI controller); NaN when not finite; 0 for fixed-step methods. */
    public final double error;
    /** The family's data for interpolating inside this step. */
    public final C cache;

    public Step(double t, double h, S u, S fu, S unew, S fnew, double error, C cache) {
        this.t = t;
        this.h = h;
        this.u = u;
        this.fu = fu;
        this.unew = unew;
        this.fnew = fnew;
        this.error = error;
        this.cache = cache;
    }

    public double tEnd() { return t + h; }

    /** States held by this step (u, unew and the cache), for memory accounting. */
    public int storedStates() { return 2 + cache.storedStates(); }
}
