package dev.fluxion.diffeq.jump;

import dev.fluxion.tensor.Tensor;

/**
 * The rate (intensity) of a jump, in tensor ops: a scalar, non-negative, as a function of the
 * state, the parameters and the time. A {@link VariableRateJump}'s rate is integrated with the ODE,
 * so it is traced and compiled with f.
 */
@FunctionalInterface
public interface JumpRate {
    Tensor rate(Tensor u, Tensor p, Tensor t);
}
