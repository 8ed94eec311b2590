package dev.fluxion.diffeq.sensitivity;

/**
 * Reverse mode through the solver (DiffEqFlux's {@code diffeq_rd}): the solver runs on tracked
 * tensors, every stage is recorded, and the tape is walked back. Exact gradient of the discrete
 * computation; memory grows with the number of steps.
 */
public final class ReverseTape implements SensitivityAlgorithm {
    @Override public String name() { return "ReverseTape"; }

    @Override public String toString() { return name(); }
}
