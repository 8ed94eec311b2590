package dev.fluxion.diffeq.events;

import dev.fluxion.tensor.Tensor;

/** The affect of a {@link VectorContinuousCallback}: the new state when condition component {@code index} crossed zero. */
@FunctionalInterface
public interface VectorAffect {
    Tensor apply(Tensor u, Tensor p, Tensor t, int index);
}
