package dev.fluxion.diffeq;

import dev.fluxion.tensor.Shape;
import dev.fluxion.tensor.Tensor;

/** States as tensors of any kind: the path of every AD mode (derivatives flow through the ops). */
public final class TensorStateOps implements StateOps<Tensor> {
    private final OdeFunction f;
    private final Tensor p;
    private final Shape shape;
    private int evaluations;

    public TensorStateOps(OdeFunction f, Tensor p, Shape shape) {
        this.f = f;
        this.p = p;
        this.shape = shape;
    }

    @Override public Tensor eval(Tensor u, double t) {
        evaluations++;
        return f.apply(u, p, Tensor.scalar(t));
    }

    @Override public Tensor combine(double[] c, Tensor[] xs) {
        return Tensor.linearCombination(c, xs);
    }

    @Override public double[] values(Tensor x) { return x.unsafeData(); }

    @Override public Tensor tensor(Tensor x) { return x; }

    @Override public int normLength() { return shape.size(); }

    @Override public double[] evalValues(double[] u, double t) {
        evaluations++;
        return f.apply(Tensor.unsafeWrap(shape, u), p.primal(), Tensor.scalar(t)).unsafeData();
    }

    @Override public int evaluations() { return evaluations; }

    @Override public Tensor[] newArray(int n) { return new Tensor[n]; }
}
