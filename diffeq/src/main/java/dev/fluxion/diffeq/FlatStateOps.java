package dev.fluxion.diffeq;

import dev.fluxion.autodiff.CompiledFunction;
import dev.fluxion.tensor.LinearCombination;
import dev.fluxion.tensor.Shape;
import dev.fluxion.tensor.Tensor;

/**
 * States as flat arrays, for plain solves of a compiled right-hand side: each evaluation runs the
 * compiled program on this solve's own workspace and each stage sum is one loop, so the only
 * allocation per evaluation is the result array.
 */
public final class FlatStateOps implements StateOps<double[]> {
    private final CompiledFunction.Runner runner;
    private final Shape shape;
    private final double[][] args;
    private final double[] time = new double[1];
    private int evaluations;

    public FlatStateOps(CompiledFunction f, Tensor p, Shape shape) {
        this.runner = f.runner();
        this.shape = shape;
        this.args = new double[][] {null, p.unsafeData(), time};
    }

    @Override public double[] eval(double[] u, double t) {
        evaluations++;
        args[0] = u;
        time[0] = t;
        return runner.run(args);
    }

    @Override public double[] combine(double[] c, double[][] xs) {
        double[] out = new double[xs[0].length];
        LinearCombination.run(c, xs, out);
        return out;
    }

    @Override public double[] values(double[] x) { return x; }

    @Override public Tensor tensor(double[] x) { return Tensor.unsafeWrap(shape, x); }

    @Override public double[] evalValues(double[] u, double t) { return eval(u, t); }

    @Override public int evaluations() { return evaluations; }

    @Override public double[][] newArray(int n) { return new double[n][]; }
}
