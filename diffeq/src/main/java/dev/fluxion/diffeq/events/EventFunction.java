package dev.fluxion.diffeq.events;

import dev.fluxion.tensor.Tensor;

/**
 * A function of the state, the parameters and the time, in tensor ops: an event condition (a
 * scalar, or a vector for {@link VectorContinuousCallback}) or an affect (the new state). p is
 * passed so that a restitution coefficient or a dose can be a differentiable parameter.
 */
@FunctionalInterface
public interface EventFunction {
    Tensor apply(Tensor u, Tensor p, Tensor t);
}
