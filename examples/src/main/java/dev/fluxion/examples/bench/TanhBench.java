package dev.fluxion.examples.bench;

import dev.fluxion.tensor.MathFunctions;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Cost of one scalar tanh, per element over 50 inputs in [-2, 2] (the MLP's hidden layer): the
 * library's, the expm1 formula it used before, and Math.tanh. On JDK 17 Math.expm1 and Math.tanh
 * run StrictMath's fdlibm code while Math.exp is a HotSpot intrinsic, so the formula sets the
 * floor of anything dominated by activations (the MLP below spends most of its time here).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class TanhBench {
    static final int N = 50;

    private double[] x, out;

    @Setup
    public void setup() {
        x = Bare.uniform(new SplittableRandom(42), N, -2, 2);
        out = new double[N];
    }

    /** The library's tanh (MathFunctions.tanh: Cephes' rational approximation below |x| = 0.625, exp above). */
    @Benchmark @OperationsPerInvocation(N)
    public double[] library() {
        for (int i = 0; i < N; i++) out[i] = MathFunctions.tanh(x[i]);
        return out;
    }

    /** The formula the library used before: e/(e + 2) with e = expm1(2|x|), odd symmetry. */
    @Benchmark @OperationsPerInvocation(N)
    public double[] expm1Formula() {
        for (int i = 0; i < N; i++) {
            double v = x[i];
            double ax = Math.abs(v);
            double t;
            if (ax > 22.0) t = 1.0;
            else if (ax < 1e-8) t = ax;
            else {
                double e = Math.expm1(2.0 * ax);
                t = e / (e + 2.0);
            }
            out[i] = Math.copySign(t, v);
        }
        return out;
    }

    @Benchmark @OperationsPerInvocation(N)
    public double[] mathTanh() {
        for (int i = 0; i < N; i++) out[i] = Math.tanh(x[i]);
        return out;
    }
}
