package dev.fluxion.diffeq.sensitivity;

import dev.fluxion.diffeq.SolveSpec;

/**
 * The forward sensitivity equations (SciMLSensitivity's ForwardSensitivity): the state is
 * augmented with S = ∂u/∂(u0, p), S' = (∂f/∂u) S + ∂f/∂p, and the whole system is solved with
 * error control on the sensitivities too (unlike {@link ForwardDuals}, whose steps follow the
 * primal alone). Jacobian-vector products of f come from its compiled JVP program.
 */
public final class ForwardSensitivity extends SolveAsOp {
    @Override Pass forward(SolveSpec plain) { return DualSolve.jacobian(plain, 0, true); }

    @Override boolean lanesControlError() { return true; }

    @Override public String name() { return "ForwardSensitivity"; }

    @Override public String toString() { return name(); }
}
