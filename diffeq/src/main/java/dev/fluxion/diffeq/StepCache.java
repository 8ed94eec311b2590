package dev.fluxion.diffeq;

/**
 * What one family's step keeps beside the new state for its interpolant (OrdinaryDiffEq.jl's
 * typed caches): the explicit Runge–Kutta stages, a Rosenbrock method's stage values, ... Each
 * stepper declares its own cache type, so nothing is stored in an untyped slot.
 */
public interface StepCache {
    /** How many states of the solve's size this cache holds (the measure of dense output's memory). */
    int storedStates();
}
