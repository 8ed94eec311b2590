package dev.fluxion.autodiff;

import dev.fluxion.tensor.Tensor;

import java.util.List;
import java.util.Objects;

/**
 * A trainable value: the one mutable thing in a model (tensors themselves are immutable). Layers
 * read their parameters' current values; optimizers replace them. During a gradient computation
 * the value is temporarily the tracked version of itself ({@link #gradients}), which is how a
 * loss written as plain code (Flux's implicit params) gets its gradient.
 *
 * <p>A function compiled by {@link Jit} may read parameters: while it is traced, {@link #value()}
 * returns an <em>implicit input</em> of the trace instead of the number it holds, so the compiled
 * program reads the parameter's current value at every run (it never bakes it in), and when the
 * value is tracked or dual the compiled function passes its derivatives on
 * ({@link CompiledFunction#implicitInputs()}).
 */
public final class Parameter {
    private final String name;
    private Tensor value;

    public Parameter(String name, Tensor value) {
        this.name = Objects.requireNonNull(name);
        this.value = value.primal();
    }

    public String name() { return name; }

    /**
     * The current value. While a {@link Jit} trace is recorded on this thread, a symbolic input of
     * that trace standing for the value (see {@link ParameterScope}).
     */
    public Tensor value() { return ParameterScope.valueOf(this, value); }

    /** The stored value, whatever trace is being recorded: what a compiled program reads at run time. */
    Tensor stored() { return value; }

    /** Replaces the value; the shape must stay the same. */
    public void set(Tensor v) {
        if (!v.shape().equals(value.shape())) {
            throw new IllegalArgumentException("parameter " + name + " has shape " + value.shape() + ", cannot set a value of shape " + v.shape());
        }
        value = v;
    }

    /** The value and the gradient of a scalar loss with respect to every parameter. */
    public record Gradients(double loss, List<Tensor> gradients) {}

    /**
     * Evaluates loss with every parameter tracked on a fresh tape and returns the loss and the
     * gradient for each parameter (zeros where the loss does not depend on one). The parameters
     * hold their plain values again afterwards.
     */
    public static Gradients gradients(java.util.function.Supplier<Tensor> loss, List<Parameter> params) {
        Tape tape = new Tape();
        Tensor[] saved = new Tensor[params.size()];
        Tensor[] tracked = new Tensor[params.size()];
        try {
            for (int i = 0; i < saved.length; i++) {
                Parameter p = params.get(i);
                saved[i] = p.value;
                tracked[i] = tape.track(p.value());   // inside a trace, the trace's implicit input
                p.value = tracked[i];
            }
            Tensor y = loss.get();
            if (y.size() != 1) throw new IllegalArgumentException("the loss must be a scalar, got shape " + y.shape());
            double v = tape.valueOf(y).valueAt(0);
            Tensor[] g = tape.backward(y, Tensor.ones(y.shape()), tracked);
            for (int i = 0; i < g.length; i++) g[i] = g[i].primal();
            return new Gradients(v, List.of(g));
        } finally {
            for (int i = 0; i < saved.length; i++) if (saved[i] != null) params.get(i).value = saved[i];
            tape.close();
        }
    }

    @Override public String toString() { return "Parameter(" + name + ", " + value.shape() + ")"; }
}
