package dev.fluxion.diffeq.sensitivity;

/**
 * The adjoint λ' = −(∂f/∂u)ᵀλ integrated backwards alone, with u(t) from the forward solution's
 * dense output, while the parameter gradient μ = ∫ λᵀ ∂f/∂p dt is accumulated by a callback
 * after each accepted backward step: one Gauss–Legendre rule of the method's order over the
 * step, λ at its nodes from the step's own interpolant (SciMLSensitivity's GaussAdjoint, its
 * default above 100 inputs). The backward system stays the size of the state however many
 * parameters there are, nothing of the backward solve is stored, and the quadrature costs ν
 * evaluations of λᵀ∂f/∂p per step (3 for Tsit5). Memory grows with the forward steps (the
 * forward dense output is kept).
 */
public final class GaussAdjoint extends ContinuousAdjoint {
    public GaussAdjoint() {}

    @Override boolean keepsForwardDense() { return true; }

    @Override double[][] backward(Adjoint adjoint, ForwardPass f, double[][] rows) {
        return adjoint.gauss(f.ts, f.ys, rows, f.u0, f.dense);
    }

    @Override public GaussAdjoint withNorm(AdjointNorm norm) { return (GaussAdjoint) super.withNorm(norm); }

    @Override public String name() { return "GaussAdjoint"; }

    @Override public String toString() { return name() + normSuffix(); }
}
