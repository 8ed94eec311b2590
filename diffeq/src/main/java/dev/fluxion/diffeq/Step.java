package dev.fluxion.diffeq;

/**
 * One attempted step from (t, u) to t + h, as a {@link Stepper} returns it: the new state, the
 * weighted error estimate, f at the new state when the method has it for free (FSAL), and the
 * stages the method's interpolant needs. Steppers may cache extra interpolation stages in it.
 *
 * @param <S> the state type of the execution plan (tensors, or flat arrays)
 */
public final class Step<S> {
    public final double t;
    public final double h;
    public final S u;
    public final S fu;
    public final S unew;
    /** f(unew, t + h) when the method computed it (FSAL), else null until the integrator fills it in. */
    public S fnew;
    /** Weighted error estimate (≤ 1 accepts); NaN when not finite; 0 for fixed-step methods. */
    public final double error;
    public final S[] stages;
    /** Lazily computed interpolation data (Verner's extra stages, ...). */
    public Object extra;

    public Step(double t, double h, S u, S fu, S unew, S fnew, double error, S[] stages) {
        this.t = t;
        this.h = h;
        this.u = u;
        this.fu = fu;
        this.unew = unew;
        this.fnew = fnew;
        this.error = error;
        this.stages = stages;
    }

    public double tEnd() { return t + h; }
}
