package dev.fluxion.diffeq;

/**
 * One attempted step from (t, u) to t + h, as a {@link Stepper} returns it: the new state, the
 * weighted error estimate, f at the new state when the method has it for free (FSAL), and the
 * family's own cache for its interpolant.
 *
 * <p>An accepted step may end before t + h: an event inside it moves its end back to the event
 * time ({@link IntegratorState#truncate}). {@link #tEnd} and {@link #uEnd} are the end of the
 * accepted part (what saving, dense output and adjoint sweeps read); h, unew and fnew stay those
 * of the method's full step, because its interpolant is built from them (θ = (τ − t)/h).
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
    /** The end of the accepted part of the step and the state there (t + h and unew unless truncated). */
    private double end;
    private S uEnd;

    public Step(double t, double h, S u, S fu, S unew, S fnew, double error, C cache) {
        this.t = t;
        this.h = h;
        this.u = u;
        this.fu = fu;
        this.unew = unew;
        this.fnew = fnew;
        this.error = error;
        this.cache = cache;
        this.end = t + h;
        this.uEnd = unew;
    }

    /** The end of the accepted part of the step: t + h, or an event time inside the step. */
    public double tEnd() { return end; }

    /** The state at {@link #tEnd} (unew unless the step was truncated). */
    public S uEnd() { return uEnd; }

    /** Whether an event moved the end of this step back from t + h. */
    public boolean truncated() { return end != t + h; }

    /** Ends the accepted part at end (inside the step) with the state uEnd there; the interpolant is unchanged. */
    void truncateAt(double end, S uEnd) {
        this.end = end;
        this.uEnd = uEnd;
    }

    /** States held by this step (u, unew and the cache), for memory accounting. */
    public int storedStates() { return 2 + cache.storedStates(); }
}
