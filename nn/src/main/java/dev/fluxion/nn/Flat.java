package dev.fluxion.nn;

import dev.fluxion.autodiff.Parameter;
import dev.fluxion.autodiff.TensorFunction;
import dev.fluxion.tensor.Shape;
import dev.fluxion.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * A model's parameters as one vector and back (DiffEqFlux's destructure / restructure), so a
 * network's parameters can be the p of an ODE problem. Flattening and unflattening are Tensor ops,
 * so derivatives pass through both ways.
 */
public final class Flat {
    private final Layer model;
    private final Shape[] shapes;
    private final int size;

    public Flat(Layer model) {
        this.model = model;
        List<Parameter> ps = model.parameters();
        shapes = new Shape[ps.size()];
        int n = 0;
        for (int i = 0; i < shapes.length; i++) {
            shapes[i] = ps.get(i).value().shape();
            n += shapes[i].size();
        }
        size = n;
    }

    /** Number of scalar parameters. */
    public int size() { return size; }

    /** The current parameter values as one vector (tracked if the parameters are, as in training). */
    public Tensor flatten() {
        return flatten(Layer.values(model.parameters()));
    }

    /** Values (in parameters() order) as one vector. */
    public Tensor flatten(List<Tensor> values) {
        if (values.isEmpty()) return Tensor.zeros(0);
        Tensor[] parts = new Tensor[values.size()];
        for (int i = 0; i < parts.length; i++) parts[i] = values.get(i).flatten();
        return Tensor.concat(0, parts);
    }

    /** The vector cut back into parameter values, in parameters() order. */
    public List<Tensor> unflatten(Tensor theta) {
        if (theta.rank() != 1 || theta.size() != size) {
            throw new IllegalArgumentException("unflatten: expected a vector of " + size + " parameters, got shape " + theta.shape());
        }
        List<Tensor> out = new ArrayList<>(shapes.length);
        int off = 0;
        for (Shape s : shapes) {
            out.add(theta.slice(0, off, off + s.size()).reshape(s));
            off += s.size();
        }
        return out;
    }

    /** The model as a function of its input with parameters taken from theta (restructure). */
    public TensorFunction restructure(Tensor theta) {
        List<Tensor> values = unflatten(theta);
        return x -> model.apply(x, values);
    }

    /** Writes theta into the model's parameters. */
    public void load(Tensor theta) {
        List<Tensor> values = unflatten(theta.primal());
        List<Parameter> ps = model.parameters();
        for (int i = 0; i < ps.size(); i++) ps.get(i).set(values.get(i));
    }
}
