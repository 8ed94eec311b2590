package dev.fluxion.diffeq.sensitivity;

import dev.fluxion.diffeq.OdeSolution;
import dev.fluxion.diffeq.SensitivityAlgorithm;
import dev.fluxion.diffeq.SolveSpec;

/**
 * Reverse mode through the solver (DiffEqFlux's {@code diffeq_rd}): the solver runs on tracked
 * tensors, every stage is recorded, and the tape is walked back. Exact gradient of the discrete
 * computation; memory grows with the number of steps.
 */
public final class ReverseTape implements SensitivityAlgorithm {
    @Override public String name() { return "ReverseTape"; }

    /** The solve on the caller's tape: the integrator's ops record themselves. */
    @Override public OdeSolution solve(SolveSpec spec) { return spec.integrate(); }

    @Override public String toString() { return name(); }
}
