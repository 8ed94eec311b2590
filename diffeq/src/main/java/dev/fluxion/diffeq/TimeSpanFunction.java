package dev.fluxion.diffeq;

import dev.fluxion.tensor.Tensor;

/** The time span as a function of the parameters (the seed's {@code tspan_f(p)}): a tensor [t0, t1]. */
@FunctionalInterface
public interface TimeSpanFunction {
    Tensor apply(Tensor p);
}
