package dev.fluxion.diffeq;

import dev.fluxion.tensor.Tensor;

/**
 * What a {@link Callback} sees of a running solve (DifferentialEquations.jl's integrator
 * interface): the step just accepted, from {@link #tPrev} to {@link #t}, with interpolation inside
 * it, and the two ways to act on the solve: replace the state or terminate.
 */
public interface IntegratorState {
    /** The end of the step just accepted. */
    double t();

    /** The start of the step just accepted. */
    double tPrev();

    /** The state at {@link #t} (after any change made by an earlier callback of this step). */
    Tensor u();

    /** The state at {@link #tPrev}. */
    Tensor uPrev();

    /** f(u, p, t) at {@link #t} (already evaluated by the integrator). */
    Tensor du();

    /** The parameters p of the solve (null on plans without them, such as augmented adjoint systems). */
    Tensor p();

    /** u(τ) for τ inside the step, by the method's interpolant. */
    Tensor interpolate(double tau);

    /**
     * Replaces the state at {@link #t} (a jump). The integrator re-evaluates f there, saves both
     * the state before and after the jump when it saves every step, and continues from the new
     * state. The shape must not change.
     */
    void setU(Tensor u);

    /**
     * Ends the step just accepted at tau in (tPrev, t] instead of t (an event inside it): from then
     * on {@link #t} is tau, the state there is the step's interpolant at tau, saveat points after
     * tau are left to later steps, the dense output holds the step up to tau only, a tstop beyond
     * tau is still ahead, f is evaluated afresh at the new end, and the next step starts from tau
     * with the step size the controller proposed. Must come before any {@link #setU} of this step.
     */
    default void truncate(double tau) { truncate(tau, null); }

    /**
     * {@link #truncate(double)} with the state at tau given (null: the interpolant's): the same value
     * as the interpolant, but carrying more derivatives (an event time's dependence on u0 and p).
     * Not a jump: nothing extra is saved. The shape must not change.
     */
    void truncate(double tau, Tensor uAtTau);

    /** Ends the solve after this step with {@link ReturnCode#TERMINATED}. */
    void terminate();

    /** Accepted steps so far, this one included. */
    int acceptedSteps();
}
