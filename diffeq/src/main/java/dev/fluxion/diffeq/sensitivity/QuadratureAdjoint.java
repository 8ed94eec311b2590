package dev.fluxion.diffeq.sensitivity;

/**
 * The adjoint λ integrated backwards alone with u(t) from the forward dense output, then the
 * parameter gradient as a quadrature ∫ λ(t)ᵀ ∂f/∂p(u(t), p, t) dt by adaptive Gauss–Kronrod
 * (7, 15) over the adjoint's steps (SciMLSensitivity's QuadratureAdjoint). Keeps the backward
 * system small when p is large; memory grows with the forward steps.
 */
public final class QuadratureAdjoint extends ContinuousAdjoint {
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

    @Override boolean keepsForwardDense() { return true; }

    @Override double[][] backward(Adjoint adjoint, ForwardPass f, double[][] rows) {
        return adjoint.quadrature(f.ts, f.ys, rows, f.u0, f.dense, abstol, reltol);
    }

    @Override public String name() { return "QuadratureAdjoint"; }

    @Override public String toString() { return name(); }
}
