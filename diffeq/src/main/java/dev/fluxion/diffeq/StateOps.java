package dev.fluxion.diffeq;

import dev.fluxion.tensor.Tensor;

/**
 * The arithmetic a stepper needs on states of type S, so that one stepper serves every execution
 * plan: {@link TensorStateOps} runs on tensors of any kind (plain, dual, tracked: the AD modes),
 * {@link FlatStateOps} runs a compiled right-hand side on flat arrays for plain solves, with no
 * tensor wrappers or dispatch per evaluation. Both compute the same numbers, bit for bit.
 */
public interface StateOps<S> {
    /** f(u, p, t), counted. */
    S eval(S u, double t);

    /** Σ c_i x_i (structural zeros of c are skipped). */
    S combine(double[] c, S[] xs);

    /**
     * The Runge–Kutta sum u + h Σ_m a_m k[deps_m] as one fused combination, with the terms added in
     * that order (so every implementation computes the same numbers). A stage input (stageInput:
     * read by f at once, never kept) may skip passive components and reuse its storage.
     */
    S rkSum(S u, double h, double[] a, int[] deps, S[] k, boolean stageInput);

    /** The primal values of x (read-only), for step control. */
    double[] values(S x);

    /**
     * How many leading components of {@link #values} step control reads (the error norm and the
     * initial-step heuristic): all of them for a plain state; only the primal part for a state that
     * carries derivative lanes after it.
     */
    int normLength();

    /** x as a tensor, for saving. */
    Tensor tensor(S x);

    /** A tensor (a callback's new state) as a state of this plan. */
    S state(Tensor x);

    /** f on plain values (recording nothing on any tape), counted: for the initial-step probe. */
    double[] evalValues(double[] u, double t);

    /**
     * J = ∂f/∂u at (u, t) for implicit methods, exact: forward lanes over the compiled f on the
     * flat plan, {@code AD.jacobian} on the tensor plan (so J carries the solve's derivatives).
     * Counted as one evaluation.
     */
    Jacobian<S> jacobian(S u, double t);

    /** ∂f/∂t at (u, t), exact (one forward lane on t), for non-autonomous Rosenbrock steps. Counted as one evaluation. */
    S timeDerivative(S u, double t);

    /**
     * Whether f reads t at all; false only when that is known (a compiled f whose trace never read
     * t), so ∂f/∂t is exactly zero and a Rosenbrock step may skip computing it.
     */
    default boolean readsTime() { return true; }

    /** The parameters f reads (for callbacks), or null on plans that have none (augmented systems). */
    default Tensor p() { return null; }

    /**
     * M·x for a constant matrix M [n·n] row-major (a mass matrix in a Rosenbrock stage), as a
     * differentiable op on the tensor plan (derivatives of x flow through it).
     */
    default S multiply(double[] m, S x) {
        Tensor xt = tensor(x);
        int n = xt.size();
        Tensor mt = Tensor.unsafeWrap(dev.fluxion.tensor.Shape.of(n, n), m);
        return state(mt.matmul(xt.reshape(n)).reshape(xt.shape()));
    }

    /** Evaluations of f so far. */
    int evaluations();

    /** A new array of n states (typed, so that combine receives a real S[]). */
    S[] newArray(int n);
}
