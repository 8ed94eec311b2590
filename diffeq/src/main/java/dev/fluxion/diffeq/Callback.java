package dev.fluxion.diffeq;

/**
 * The integrator's hook between steps (DifferentialEquations.jl's callbacks run at the same
 * place): after a step is accepted and before it is saved, each callback of the solve
 * ({@link SolveOptions#callback}) may read the step, change the state, or end the solve. Event
 * handling, dosing schedules and jump processes are callbacks.
 *
 * <p>The callback phase of a step runs in this order: every callback {@link #locate}s its event in
 * the step; the earliest event wins (the first callback given on a tie), the integrator
 * {@link IntegratorState#truncate truncates} the step to its time and calls the winner's
 * {@link #onEvent}; then every callback's {@link #afterStep} sees the (possibly shortened) step.
 * A second event in the same step is found by the next step, which starts at the first one.
 */
@FunctionalInterface
public interface Callback {
    /** Called once after every accepted step (after any event in it was handled), in the order the callbacks were given. */
    void afterStep(IntegratorState integrator);

    /**
     * The time of this callback's earliest event inside the step just accepted, in (tPrev, t], or
     * NaN when it has none (the default: a callback without events). Must not change the solve.
     */
    default double locate(IntegratorState integrator) { return Double.NaN; }

    /** Handles this callback's event when it won: the step now ends at the event time ({@link IntegratorState#t}). */
    default void onEvent(IntegratorState integrator) {}

    /** Times the integrator must step to exactly (merged into the solve's tstops), inside the span [t0, t1]. */
    default double[] tstops(double t0, double t1) { return new double[0]; }

    /**
     * The instance one solve uses: a callback that keeps memory between steps (the sign of an
     * event condition, the last event) returns a fresh one, so that one callback object serves
     * many solves, concurrent ones included. The default is this (stateless callbacks).
     */
    default Callback forSolve() { return this; }
}
