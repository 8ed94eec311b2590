package dev.fluxion.diffeq;

/**
 * J = ∂f/∂u at one state, as an implicit method needs it: exact (forward lanes over f, never
 * finite differences), in the plan's own form (a flat array on the flat plan, a tensor that
 * carries the solve's derivatives on the tensor plan), and the matrix W = c·M − J factored for
 * the stage solves. A Rosenbrock step factors W once and solves once per stage; an ESDIRK keeps J
 * and its factorisation across Newton iterations and steps while they converge
 * (OrdinaryDiffEq.jl's and CVODE's reuse), refactoring only when c = 1/(γh) changes.
 *
 * @param <S> the state type of the plan
 */
public interface Jacobian<S> {
    /** The order n of J (the state's size). */
    int size();

    /** J's primal values, row-major [n·n], read-only (stiffness detection, sparsity, diagnostics). */
    double[] values();

    /**
     * Whether {@link #values()} is all of J, so that a stepper may build and factor W from it in its
     * own buffers; false for a structured J whose values() is partial (an adjoint system's block
     * Jacobian, which never forms its parameter rows) and which must factor itself.
     */
    default boolean complete() { return true; }

    /**
     * W = c·M − J factored by LU with partial pivoting; M is the identity when mass is null, else a
     * constant mass matrix [n·n] row-major (singular for differential-algebraic equations).
     */
    Factorization<S> factorW(double c, double[] mass);
}
