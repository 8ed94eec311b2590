package dev.fluxion.diffeq.sensitivity;

import dev.fluxion.diffeq.OdeSolution;
import dev.fluxion.diffeq.SensitivityAlgorithm;
import dev.fluxion.diffeq.SolveSpec;

/**
 * Reverse mode through the solver (DiffEqFlux's {@code diffeq_rd}): the exact gradient of the
 * discrete computation, step sizes held as constants (step control reads primal values). For an
 * explicit Runge–Kutta solve of a compiled f without callbacks or dense output (a neural ODE's
 * saveat series, say), the solve is one op whose backward pass is the RK scheme's discrete
 * adjoint with f's compiled VJP program ({@link RkDiscreteAdjoint}): the same numbers to
 * rounding, without recording every stage. Otherwise the solver runs on tracked tensors, every
 * stage is recorded and the tape is walked back. Memory grows with the number of steps.
 */
public final class ReverseTape implements SensitivityAlgorithm {
    @Override public String name() { return "ReverseTape"; }

    /** The solve on the caller's tape: one discrete-adjoint op where it applies, else the integrator's ops record themselves. */
    @Override public OdeSolution solve(SolveSpec spec) {
        if (RkDiscreteAdjoint.applies(spec)) return RkDiscreteAdjoint.INSTANCE.solve(spec);
        return spec.integrate();
    }

    @Override public String toString() { return name(); }
}
