package dev.fluxion.autodiff;

import dev.fluxion.tensor.Tensor;

/** A function's value and its gradient; Kotlin destructures it: {@code val (v, g) = ...}. */
public record ValueAndGradient(Tensor value, Tensor gradient) {
    public Tensor component1() { return value; }

    public Tensor component2() { return gradient; }
}
