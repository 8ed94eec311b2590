package dev.fluxion.nn;

import dev.fluxion.autodiff.Parameter;
import dev.fluxion.autodiff.TensorFunction;
import dev.fluxion.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * A differentiable function of its input with its own parameters. A layer is pure given its
 * parameter values ({@link #apply(Tensor, List)}), which is what lets a model's parameters be the
 * p of an ODE problem; {@link #apply(Tensor)} uses the current values of {@link #parameters()}.
 * Inputs are a vector [features] or a batch [batch, features].
 */
public interface Layer {
    /** The layer applied with explicit parameter values, one per {@link #parameters()} entry, in order. */
    Tensor apply(Tensor x, List<Tensor> params);

    /** The trainable parameters (the same objects on every call). */
    default List<Parameter> parameters() { return List.of(); }

    /** The layer applied with its parameters' current values. */
    default Tensor apply(Tensor x) { return apply(x, values(parameters())); }

    /** A short description for messages ("Dense(2 => 50, TANH)"). */
    default String describe() { return getClass().getSimpleName(); }

    /** A layer without parameters from a function: {@code Layer.of(x -> x.pow(3))}. */
    static Layer of(TensorFunction f) {
        return new Layer() {
            @Override public Tensor apply(Tensor x, List<Tensor> params) { return f.apply(x); }

            @Override public String describe() { return "Layer.of(function)"; }
        };
    }

    /** The current values of parameters. */
    static List<Tensor> values(List<Parameter> params) {
        List<Tensor> v = new ArrayList<>(params.size());
        for (Parameter p : params) v.add(p.value());
        return v;
    }
}
