package dev.fluxion.autodiff;

import dev.fluxion.tensor.Tensor;

/** A function of several tensors. */
@FunctionalInterface
public interface MultiTensorFunction {
    Tensor apply(Tensor[] xs);
}
