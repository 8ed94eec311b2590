package dev.fluxion.autodiff;

import dev.fluxion.tensor.Tensor;

/** A function of one tensor, the argument of the AD entry points. */
@FunctionalInterface
public interface TensorFunction {
    Tensor apply(Tensor x);
}
