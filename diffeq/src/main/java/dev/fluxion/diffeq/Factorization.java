package dev.fluxion.diffeq;

/**
 * A factored linear system W x = b of an implicit step, solved against states of the plan: on the
 * flat plan an allocation-free LU ({@code LuDecomposition}); on the tensor plan the
 * differentiable {@code Tensor.lu()} / {@code Lu.solve} pair, so a reverse tape through a stiff
 * solve records one node per stage solve and never refactors in its backward pass.
 *
 * @param <S> the state type of the plan
 */
public interface Factorization<S> {
    /** Whether W is exactly singular (a zero pivot): a stepper then rejects the step with a smaller h. */
    boolean singular();

    /** x = W⁻¹ b. */
    S solve(S b);
}
