package dev.fluxion.diffeq.sensitivity;

/**
 * The adjoint λ integrated backwards alone with u(t) from the forward dense output, then the
 * parameter gradient as a quadrature ∫ λ(t)ᵀ ∂f/∂p(u(t), p, t) dt over the adjoint's steps
 * (SciMLSensitivity's QuadratureAdjoint), on each segment's dense λ. Keeps the backward system
 * small when p is large; memory grows with the forward steps.
 *
 * <p>{@code new QuadratureAdjoint()} integrates each λ step by one Gauss–Legendre rule of the
 * method's order on its dense output (3 nodes for Tsit5): the step is already controlled for λ,
 * so the rule needs no error estimate of its own. {@code new QuadratureAdjoint(abstol, reltol)}
 * asks for adaptive Gauss–Kronrod (7, 15) to those tolerances instead (QuadGK's rule, as
 * SciMLSensitivity uses; 15 evaluations per step at least).
 */
public final class QuadratureAdjoint extends ContinuousAdjoint {
    private final double abstol, reltol;

    /** Gauss–Legendre on each backward step. */
    public QuadratureAdjoint() {
        this.abstol = Double.NaN;
        this.reltol = Double.NaN;
    }

    /** Adaptive Gauss–Kronrod on each backward step to these tolerances, tightened to the solve's when those are tighter. */
    public QuadratureAdjoint(double abstol, double reltol) {
        if (!(abstol > 0 && reltol > 0)) throw new IllegalArgumentException("QuadratureAdjoint: tolerances must be positive, got " + abstol + ", " + reltol);
        this.abstol = abstol;
        this.reltol = reltol;
    }

    /** Whether the quadrature is adaptive Gauss–Kronrod (tolerances given) rather than one Gauss–Legendre rule per step. */
    public boolean adaptive() { return !Double.isNaN(abstol); }

    /** The adaptive quadrature's absolute tolerance (NaN for the Gauss–Legendre rule). */
    public double abstol() { return abstol; }

    /** The adaptive quadrature's relative tolerance (NaN for the Gauss–Legendre rule). */
    public double reltol() { return reltol; }

    @Override boolean keepsForwardDense() { return true; }

    @Override double[][] backward(Adjoint adjoint, ForwardPass f, double[][] rows) {
        return adjoint.quadrature(f.ts, f.ys, rows, f.u0, f.dense, adaptive() ? new double[] {abstol, reltol} : null);
    }

    @Override public QuadratureAdjoint withNorm(AdjointNorm norm) { return (QuadratureAdjoint) super.withNorm(norm); }

    @Override public String name() { return "QuadratureAdjoint"; }

    @Override public String toString() {
        return (adaptive() ? name() + "(abstol=" + abstol + ", reltol=" + reltol + ")" : name()) + normSuffix();
    }
}
