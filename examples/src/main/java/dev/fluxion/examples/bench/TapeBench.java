package dev.fluxion.examples.bench;

import dev.fluxion.autodiff.Tape;
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
 * Cost per recorded op on a reverse tape, amortised over a chain of {@link Bare#CHAIN} ops
 * (x = op(x, b) repeated; both x and b tracked), reported per op. Each invocation opens a fresh
 * {@link Tape}, tracks the two leaves, records the chain and closes the tape, as one
 * {@code AD.gradient} call would. {@code plain*} runs the same chain on untracked tensors;
 * {@code *Backward} adds the backward walk (cotangent ones, gradients for both leaves).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class TapeBench {
    @Param({"2", "50"})
    public int n;

    private Tensor a, b, c, ones;

    @Setup
    public void setup() {
        SplittableRandom rng = new SplittableRandom(42);
        a = Bare.tensor(rng, -1, 1, n);
        b = Bare.tensor(rng, 0.999, 1.001, n);   // near 1 so a chain of products stays O(1)
        c = Bare.tensor(rng, -1, 1, n);
        ones = Tensor.ones(n);
    }

    // ---------------------------------------------------------------- plain chains (no AD)

    @Benchmark @OperationsPerInvocation(Bare.CHAIN)
    public Tensor plainPlus() { return Bare.plusChain(a, b); }

    @Benchmark @OperationsPerInvocation(Bare.CHAIN)
    public Tensor plainTimes() { return Bare.timesChain(a, b); }

    @Benchmark @OperationsPerInvocation(Bare.CHAIN)
    public Tensor plainTanh() { return Bare.tanhChain(a); }

    @Benchmark @OperationsPerInvocation(Bare.CHAIN)
    public Tensor plainLinearCombination() { return Bare.linearCombinationChain(a, b, c); }

    // ---------------------------------------------------------------- recording only

    @Benchmark @OperationsPerInvocation(Bare.CHAIN)
    public Tensor tapePlus() {
        Tape tape = new Tape();
        Tensor y = Bare.plusChain(tape.track(a), tape.track(b));
        tape.close();
        return y;
    }

    @Benchmark @OperationsPerInvocation(Bare.CHAIN)
    public Tensor tapeTimes() {
        Tape tape = new Tape();
        Tensor y = Bare.timesChain(tape.track(a), tape.track(b));
        tape.close();
        return y;
    }

    @Benchmark @OperationsPerInvocation(Bare.CHAIN)
    public Tensor tapeTanh() {
        Tape tape = new Tape();
        Tensor y = Bare.tanhChain(tape.track(a));
        tape.close();
        return y;
    }

    @Benchmark @OperationsPerInvocation(Bare.CHAIN)
    public Tensor tapeLinearCombination() {
        Tape tape = new Tape();
        Tensor y = Bare.linearCombinationChain(tape.track(a), tape.track(b), tape.track(c));
        tape.close();
        return y;
    }

    // ---------------------------------------------------------------- recording + backward walk

    @Benchmark @OperationsPerInvocation(Bare.CHAIN)
    public Tensor[] tapePlusBackward() {
        Tape tape = new Tape();
        Tensor x = tape.track(a), bt = tape.track(b);
        return tape.backward(Bare.plusChain(x, bt), ones, x, bt);
    }

    @Benchmark @OperationsPerInvocation(Bare.CHAIN)
    public Tensor[] tapeTimesBackward() {
        Tape tape = new Tape();
        Tensor x = tape.track(a), bt = tape.track(b);
        return tape.backward(Bare.timesChain(x, bt), ones, x, bt);
    }

    @Benchmark @OperationsPerInvocation(Bare.CHAIN)
    public Tensor[] tapeTanhBackward() {
        Tape tape = new Tape();
        Tensor x = tape.track(a);
        return tape.backward(Bare.tanhChain(x), ones, x);
    }

    @Benchmark @OperationsPerInvocation(Bare.CHAIN)
    public Tensor[] tapeLinearCombinationBackward() {
        Tape tape = new Tape();
        Tensor x = tape.track(a), bt = tape.track(b), ct = tape.track(c);
        return tape.backward(Bare.linearCombinationChain(x, bt, ct), ones, x, bt, ct);
    }
}
