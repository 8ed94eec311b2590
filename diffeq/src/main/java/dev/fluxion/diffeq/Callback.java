package dev.fluxion.diffeq;

/**
 * The integrator's hook between steps (DifferentialEquations.jl's callbacks run at the same
 * place): after a step is accepted and before it is saved, each callback of the solve
 * ({@link SolveOptions#callback}) may read the step, change the state, or end the solve. Event
 * handling, dosing schedules and jump processes are callbacks.
 */
@FunctionalInterface
public interface Callback {
    /** Called once after every accepted step, in the order the callbacks were given. */
    void afterStep(IntegratorState integrator);
}
