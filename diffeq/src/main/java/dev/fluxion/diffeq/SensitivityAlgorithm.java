package dev.fluxion.diffeq;

/**
 * How the derivative of a solve is computed when its inputs (u0, p, the time span) are recorded
 * on a reverse tape: by the tape through the solver, forward duals, or an adjoint solve. Each
 * algorithm is a strategy object (diffrax's adjoint objects) that runs its own solves through the
 * integrator from the {@link SolveSpec} it is handed; the implementations live in
 * {@code dev.fluxion.diffeq.sensitivity}, and this package does not depend on them.
 * Forward-mode inputs (dual lanes) need no algorithm: they flow through the solver's ops.
 */
public interface SensitivityAlgorithm {
    /** The name users know it by. */
    String name();

    /**
     * Solves spec, whose u0 or p is recorded on a reverse tape, so that the saved states are
     * differentiable with respect to them by this method.
     */
    OdeSolution solve(SolveSpec spec);

    /**
     * Chooses the method when the options name none; provided by the sensitivity package through
     * {@link java.util.ServiceLoader}, so that the root package does not depend on it.
     */
    interface Default {
        SensitivityAlgorithm choose(SolveSpec spec);
    }
}
