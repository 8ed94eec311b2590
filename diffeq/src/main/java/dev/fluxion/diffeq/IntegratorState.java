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

    /** u(τ) for τ inside the step, by the method's interpolant. */
    Tensor interpolate(double tau);

    /**
     * Replaces the state at {@link #t} (a jump). The integrator re-evaluates f there, saves both
     * the state before and after the jump when it saves every step, and continues from the new
     * state. The shape must not change.
     */
    void setU(Tensor u);

    /** Ends the solve after this step with {@link ReturnCode#TERMINATED}. */
    void terminate();

    /** Accepted steps so far, this one included. */
    int acceptedSteps();
}
