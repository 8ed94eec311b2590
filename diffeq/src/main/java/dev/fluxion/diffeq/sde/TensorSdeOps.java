package dev.fluxion.diffeq.sde;

import dev.fluxion.autodiff.CompiledFunction;
import dev.fluxion.diffeq.TensorStateOps;
import dev.fluxion.tensor.Shape;
import dev.fluxion.tensor.Tensor;

/** The SDE plan on tensors of any kind (plain, dual, tracked): the path of every AD mode. */
final class TensorSdeOps extends SdeOps<Tensor> {
    private final DiffusionTerm g;
    private final CompiledFunction cg;
    private final Tensor p;
    private final Shape shape;

    TensorSdeOps(TensorStateOps drift, DiffusionTerm g, CompiledFunction cg, Tensor p, Shape shape, BrownianTree path) {
        super(drift, g.noise(), shape.size(), g.channels(shape.size()), path);
        this.g = g;
        this.cg = cg;
        this.p = p;
        this.shape = shape;
    }

    @Override Tensor diffusion(Tensor u, double t) {
        Tensor tt = Tensor.scalar(t);
        return cg != null ? cg.apply(u, p, tt) : g.evaluate(u, p, tt);
    }

    @Override Tensor scale(Tensor x, double[] w) {
        return x.times(Tensor.of(shape, w.clone()));
    }

    @Override Tensor matvec(Tensor gm, double[] w) {
        return gm.matmul(Tensor.of(Shape.of(w.length), w.clone())).reshape(shape);
    }
}
