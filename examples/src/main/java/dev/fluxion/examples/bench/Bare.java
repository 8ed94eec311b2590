package dev.fluxion.examples.bench;

import dev.fluxion.tensor.MathFunctions;
import dev.fluxion.tensor.Shape;
import dev.fluxion.tensor.Tensor;

import java.util.SplittableRandom;

/**
 * The bare arithmetic the tensor ops are measured against: plain loops over double[] with the
 * same formulas as the library's kernels, plus seeded inputs shared by the benchmarks.
 */
final class Bare {
    private Bare() {}

    /** Ops recorded per chained invocation; benchmarks divide by it (JMH's OperationsPerInvocation). */
    static final int CHAIN = 100;

    /** Coefficients of the three-term linear combination (an RK stage sum of three terms). */
    static final double[] C3 = {0.5, 0.25, 0.25};

    static double[] uniform(SplittableRandom rng, int n, double lo, double hi) {
        double[] d = new double[n];
        for (int i = 0; i < n; i++) d[i] = lo + (hi - lo) * rng.nextDouble();
        return d;
    }

    static Tensor tensor(SplittableRandom rng, double lo, double hi, int... dims) {
        Shape s = Shape.of(dims);
        return Tensor.of(s, uniform(rng, s.size(), lo, hi));
    }

    /** The library's scalar tanh (the one its kernels call), so the baseline does the same arithmetic. */
    static double tanh(double x) {
        return MathFunctions.tanh(x);
    }

    static void plus(double[] a, double[] b, double[] o) {
        for (int i = 0; i < o.length; i++) o[i] = a[i] + b[i];
    }

    static void times(double[] a, double[] b, double[] o) {
        for (int i = 0; i < o.length; i++) o[i] = a[i] * b[i];
    }

    static void tanh(double[] a, double[] o) {
        for (int i = 0; i < o.length; i++) o[i] = tanh(a[i]);
    }

    static void linearCombination(double[] c, double[] x, double[] y, double[] z, double[] o) {
        double c0 = c[0], c1 = c[1], c2 = c[2];
        for (int i = 0; i < o.length; i++) o[i] = c0 * x[i] + c1 * y[i] + c2 * z[i];
    }

    // ---------------------------------------------------------------- chains of CHAIN ops

    static Tensor plusChain(Tensor x, Tensor b) {
        for (int i = 0; i < CHAIN; i++) x = x.plus(b);
        return x;
    }

    static Tensor timesChain(Tensor x, Tensor b) {
        for (int i = 0; i < CHAIN; i++) x = x.times(b);
        return x;
    }

    static Tensor tanhChain(Tensor x) {
        for (int i = 0; i < CHAIN; i++) x = x.tanh();
        return x;
    }

    static Tensor linearCombinationChain(Tensor x, Tensor b, Tensor c) {
        for (int i = 0; i < CHAIN; i++) x = Tensor.linearCombination(C3, x, b, c);
        return x;
    }
}
