package dev.fluxion.diffeq;

import dev.fluxion.tensor.Tensor;

/**
 * The right-hand side du/dt = f(u, p, t), out of place, over tensors: u has any shape and the
 * result must have the same shape; t is a scalar tensor so time-dependent terms stay
 * differentiable. Write it in Tensor ops: the same f then serves plain solves, forward duals,
 * reverse tapes and adjoints, and is compiled into a flat program when its control flow does not
 * depend on tensor values.
 */
@FunctionalInterface
public interface OdeFunction {
    Tensor apply(Tensor u, Tensor p, Tensor t);
}
