package dev.fluxion.examples.bench;

import dev.fluxion.tensor.Shape;
import dev.fluxion.tensor.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * One plain (untracked) op on small tensors against the same arithmetic on double[]: once
 * allocating the output array (the goal's "bare arithmetic plus one allocation") and once writing
 * into a preallocated array (the arithmetic alone). Every result is returned, so it escapes and
 * its allocation is real.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class TensorOpBench {
    @Param({"2", "50"})
    public int n;

    private Tensor a, b, c;
    private double[] ad, bd, cd, out;

    @Setup
    public void setup() {
        SplittableRandom rng = new SplittableRandom(42);
        a = Bare.tensor(rng, -1, 1, n);
        b = Bare.tensor(rng, -1, 1, n);
        c = Bare.tensor(rng, -1, 1, n);
        ad = a.toDoubleArray();
        bd = b.toDoubleArray();
        cd = c.toDoubleArray();
        out = new double[n];
    }

    // ---------------------------------------------------------------- Tensor ops

    @Benchmark public Tensor plus() { return a.plus(b); }

    @Benchmark public Tensor times() { return a.times(b); }

    @Benchmark public Tensor tanh() { return a.tanh(); }

    @Benchmark public Tensor linearCombination() { return Tensor.linearCombination(Bare.C3, a, b, c); }

    // ---------------------------------------------------------------- double[], allocating the output

    @Benchmark public double[] plusBareAlloc() {
        double[] o = new double[ad.length];
        Bare.plus(ad, bd, o);
        return o;
    }

    @Benchmark public double[] timesBareAlloc() {
        double[] o = new double[ad.length];
        Bare.times(ad, bd, o);
        return o;
    }

    @Benchmark public double[] tanhBareAlloc() {
        double[] o = new double[ad.length];
        Bare.tanh(ad, o);
        return o;
    }

    @Benchmark public double[] linearCombinationBareAlloc() {
        double[] o = new double[ad.length];
        Bare.linearCombination(Bare.C3, ad, bd, cd, o);
        return o;
    }

    // ---------------------------------------------------------------- double[], preallocated output

    @Benchmark public double[] plusBareInto() {
        Bare.plus(ad, bd, out);
        return out;
    }

    @Benchmark public double[] timesBareInto() {
        Bare.times(ad, bd, out);
        return out;
    }

    @Benchmark public double[] tanhBareInto() {
        Bare.tanh(ad, out);
        return out;
    }

    @Benchmark public double[] linearCombinationBareInto() {
        Bare.linearCombination(Bare.C3, ad, bd, cd, out);
        return out;
    }

    // ---------------------------------------------------------------- matrix-vector products (issue 10)

    /**
     * A.matmul(u) against u.matmul(Aᵀ) for a row-major n×n A, the same numbers either way (Aᵀ is
     * materialised once in setup). Before the fix the first took 5–7 times as long as the second
     * because the matrix-vector kernel strode by n through A. Kept apart from the outer class so its
     * sizes do not multiply the small-op benchmarks' runs.
     */
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Warmup(iterations = 3, time = 1)
    @Measurement(iterations = 5, time = 1)
    @Fork(1)
    @State(Scope.Thread)
    public static class MatVec {
        @Param({"1000", "5000"})
        public int n;

        private Tensor a, at, u;

        @Setup
        public void setup() {
            SplittableRandom rng = new SplittableRandom(42);
            a = Bare.tensor(rng, -1, 1, n, n);
            at = Tensor.of(Shape.of(n, n), a.transpose().toDoubleArray());
            u = Bare.tensor(rng, -1, 1, n);
        }

        @Benchmark public Tensor matrixTimesVector() { return a.matmul(u); }

        @Benchmark public Tensor vectorTimesTransposed() { return u.matmul(at); }
    }
}
