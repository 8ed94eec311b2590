package dev.fluxion.diffeq;

import dev.fluxion.tensor.Tensor;

/** u0 as a function of the parameters and the initial time (the seed's {@code u0_f(p, t0)}). */
@FunctionalInterface
public interface InitialStateFunction {
    Tensor apply(Tensor p, Tensor t0);
}
