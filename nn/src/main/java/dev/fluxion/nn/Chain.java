package dev.fluxion.nn;

import dev.fluxion.autodiff.Parameter;
import dev.fluxion.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/** Layers applied in sequence (Flux's Chain). */
public final class Chain implements Layer {
    private final List<Layer> layers;
    private final List<Parameter> params;
    private final int[] offsets;

    private Chain(List<Layer> layers) {
        this.layers = List.copyOf(layers);
        List<Parameter> ps = new ArrayList<>();
        offsets = new int[layers.size() + 1];
        for (int i = 0; i < layers.size(); i++) {
            offsets[i] = ps.size();
            ps.addAll(layers.get(i).parameters());
        }
        offsets[layers.size()] = ps.size();
        this.params = List.copyOf(ps);
    }

    public static Chain of(Layer... layers) { return new Chain(List.of(layers)); }

    public List<Layer> layers() { return layers; }

    @Override public List<Parameter> parameters() { return params; }

    @Override public Tensor apply(Tensor x, List<Tensor> values) {
        if (values.size() != params.size()) {
            throw new IllegalArgumentException("Chain: " + values.size() + " parameter values for " + params.size() + " parameters");
        }
        Tensor h = x;
        for (int i = 0; i < layers.size(); i++) {
            try {
                h = layers.get(i).apply(h, values.subList(offsets[i], offsets[i + 1]));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("layer " + (i + 1) + " of the chain, " + layers.get(i).describe() + ": " + e.getMessage(), e);
            }
        }
        return h;
    }

    @Override public String describe() {
        StringBuilder sb = new StringBuilder("Chain(");
        for (int i = 0; i < layers.size(); i++) sb.append(i == 0 ? "" : ", ").append(layers.get(i).describe());
        return sb.append(')').toString();
    }

    @Override public String toString() { return describe(); }
}
