package dev.fluxion.nn;

import dev.fluxion.autodiff.Parameter;
import dev.fluxion.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/** The drift and diffusion networks of a neural SDE layer as one parameter vector p = [θ_drift, θ_diffusion]. */
final class NeuralSdeParts {
    final Layer drift, diffusion;
    final Flat fd, fg;

    NeuralSdeParts(Layer drift, Layer diffusion) {
        if (drift == null || diffusion == null) throw new IllegalArgumentException("a neural SDE needs a drift and a diffusion network");
        this.drift = drift;
        this.diffusion = diffusion;
        this.fd = new Flat(drift);
        this.fg = new Flat(diffusion);
    }

    List<Parameter> parameters() {
        List<Parameter> ps = new ArrayList<>(drift.parameters());
        ps.addAll(diffusion.parameters());
        return ps;
    }

    Tensor flatten() { return Tensor.concat(0, fd.flatten().reshape(fd.size()), fg.flatten().reshape(fg.size())); }

    /** p from parameter values in parameters() order. */
    Tensor flatten(List<Tensor> values) {
        int k = drift.parameters().size();
        return Tensor.concat(0, fd.flatten(values.subList(0, k)).reshape(fd.size()), fg.flatten(values.subList(k, values.size())).reshape(fg.size()));
    }

    Tensor driftOf(Tensor u, Tensor p) { return drift.apply(u, fd.unflatten(p.slice(0, 0, fd.size()))); }

    Tensor diffusionOf(Tensor u, Tensor p) { return diffusion.apply(u, fg.unflatten(p.slice(0, fd.size(), fd.size() + fg.size()))); }
}
