package dev.fluxion.examples.bench;

import dev.fluxion.autodiff.DualLevel;
import dev.fluxion.tensor.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Cost per op on dual tensors (forward mode, K tangent lanes), amortised over a chain of
 * {@link Bare#CHAIN} ops as in {@link TapeBench}: each invocation opens a {@link DualLevel},
 * makes x and b dual (tangents [K, n]) and runs the chain; reported per op. The {@code lane*}
 * benchmarks time one plain [K, n] × [n] product (what the JVP of times computes) against the
 * same product on equal shapes.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class DualBench {
    @Param({"2", "50"})
    public int n;

    @Param({"1", "8"})
    public int lanes;

    private Tensor a, b, c, ta, tb, tc;

    @Setup
    public void setup() {
        SplittableRandom rng = new SplittableRandom(42);
        a = Bare.tensor(rng, -1, 1, n);
        b = Bare.tensor(rng, 0.999, 1.001, n);
        c = Bare.tensor(rng, -1, 1, n);
        ta = Bare.tensor(rng, -1, 1, lanes, n);
        tb = Bare.tensor(rng, -1, 1, lanes, n);
        tc = Bare.tensor(rng, -1, 1, lanes, n);
    }

    // ---------------------------------------------------------------- the tangent kernels alone (plain tensors)

    /** A tangent [K, n] times a value [n], as the JVP of times does: broadcasting over the lane axis. */
    @Benchmark
    public Tensor laneBroadcastTimes() { return ta.times(b); }

    /** The same number of products on equal shapes [K, n] × [K, n]: the kernel's fast path. */
    @Benchmark
    public Tensor laneSameShapeTimes() { return ta.times(tb); }

    // ---------------------------------------------------------------- chains on dual tensors

    @Benchmark @OperationsPerInvocation(Bare.CHAIN)
    public Tensor dualPlus() {
        DualLevel level = new DualLevel(lanes);
        Tensor y = Bare.plusChain(level.dual(a, ta), level.dual(b, tb));
        level.close();
        return y;
    }

    @Benchmark @OperationsPerInvocation(Bare.CHAIN)
    public Tensor dualTimes() {
        DualLevel level = new DualLevel(lanes);
        Tensor y = Bare.timesChain(level.dual(a, ta), level.dual(b, tb));
        level.close();
        return y;
    }

    @Benchmark @OperationsPerInvocation(Bare.CHAIN)
    public Tensor dualTanh() {
        DualLevel level = new DualLevel(lanes);
        Tensor y = Bare.tanhChain(level.dual(a, ta));
        level.close();
        return y;
    }

    @Benchmark @OperationsPerInvocation(Bare.CHAIN)
    public Tensor dualLinearCombination() {
        DualLevel level = new DualLevel(lanes);
        Tensor y = Bare.linearCombinationChain(level.dual(a, ta), level.dual(b, tb), level.dual(c, tc));
        level.close();
        return y;
    }
}
