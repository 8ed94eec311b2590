package dev.fluxion.diffeq.sensitivity;

/**
 * The adjoint λ integrated backwards alone with u(t) from the forward dense output, then the
 * parameter gradient as a quadrature ∫ λ(t)ᵀ ∂f/∂p(u(t), p, t) dt by adaptive Gauss–Kronrod
 * (7, 15) over the adjoint's steps (SciMLSensitivity's QuadratureAdjoint). Keeps the backward
 * system small when p is large; memory grows with the forward steps.
 */
public final class QuadratureAdjoint implements SensitivityAlgorithm {
    @Override public String name() { return "QuadratureAdjoint"; }

    @Override public String toString() { return name(); }
}
