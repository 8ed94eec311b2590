package dev.fluxion.diffeq;

import dev.fluxion.tensor.Tensor;

/**
 * A user-supplied Jacobian J = ∂f/∂u (u, p, t) for implicit methods, as a matrix [n, n] (n the
 * state's size, row i the derivatives of f_i), written in Tensor ops so that it carries the
 * solve's derivatives like f does. Without one, the state plans take J exactly by forward lanes
 * over f; supply one when it is cheaper to write than to trace (DifferentialEquations.jl's
 * {@code jac}).
 */
@FunctionalInterface
public interface OdeJacobian {
    Tensor apply(Tensor u, Tensor p, Tensor t);

    /** J checked: a matrix of the wrong shape is an error that names the Jacobian, not a failure inside a solver. */
    static Tensor checked(Tensor j, int n, double t) {
        if (j == null) throw new IllegalArgumentException("the Jacobian function returned null at t = " + t + "; it must return ∂f/∂u as [" + n + ", " + n + "]");
        if (j.rank() != 2 || j.shape().dim(0) != n || j.shape().dim(1) != n) {
            throw new IllegalArgumentException("the Jacobian function returned shape " + j.shape() + " at t = " + t
                    + " for a state of " + n + " components; it must return ∂f/∂u as [" + n + ", " + n + "]");
        }
        return j;
    }
}
