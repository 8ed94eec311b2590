package dev.fluxion.diffeq.sensitivity;

/**
 * How the derivative of a solve is computed when its inputs (u0, p, the time span) carry
 * derivatives: by the tape through the solver, forward duals, or an adjoint solve.
 */
public interface SensitivityAlgorithm {
    String name();
}
