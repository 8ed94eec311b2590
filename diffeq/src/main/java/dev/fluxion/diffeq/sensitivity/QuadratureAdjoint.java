package dev.fluxion.diffeq.sensitivity;

/**
 * The adjoint λ integrated backwards alone with u(t) from the forward dense output, then the
 * parameter gradient as a quadrature ∫ λ(t)ᵀ ∂f/∂p(u(t), p, t) dt by adaptive Gauss–Kronrod
 * (7, 15) over the adjoint's steps (SciMLSensitivity's QuadratureAdjoint). Keeps the backward
 * system small when p is large; memory grows with the forward steps.
 */
public final class QuadratureAdjoint implements SensitivityAlgorithm {
    private final double abstol, reltol;

    /** Quadrature tolerances abstol 1e-6, reltol 1e-3 (SciMLSensitivity's), tightened to the solve's when those are tighter. */
    public QuadratureAdjoint() { this(1e-6, 1e-3); }

    public QuadratureAdjoint(double abstol, double reltol) {
        if (!(abstol > 0 && reltol > 0)) throw new IllegalArgumentException("QuadratureAdjoint: tolerances must be positive, got " + abstol + ", " + reltol);
        this.abstol = abstol;
        this.reltol = reltol;
    }

    public double abstol() { return abstol; }

    public double reltol() { return reltol; }

    @Override public String name() { return "QuadratureAdjoint"; }

    @Override public String toString() { return name(); }
}
