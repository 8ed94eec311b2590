package dev.fluxion.examples.bench;

import dev.fluxion.autodiff.AD;
import dev.fluxion.autodiff.CompiledFunction;
import dev.fluxion.autodiff.Jit;
import dev.fluxion.autodiff.MultiTensorFunction;
import dev.fluxion.autodiff.Tape;
import dev.fluxion.tensor.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * A 2-50-2 tanh MLP on one input: y = W2·tanh(W1·x + b1) + b2, loss = Σ y², with x [2],
 * W1 [50, 2], b1 [50], W2 [2, 50], b2 [2]. The same loss four ways: eager Tensor ops with no AD,
 * reverse mode through the tape (gradient w.r.t. W1, b1, W2, b2; and its recording half alone),
 * hand-written double[] loops (the floor), and a {@link Jit}-compiled function: applied inside
 * AD.gradients (its VJP a compiled program) and as a value-and-VJP program over flat arrays.
 * {@link #setup} checks that all gradients agree before anything is timed.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class MlpBench {
    static final int IN = 2, HIDDEN = 50, OUT = 2;

    private Tensor x, w1, b1, w2, b2;
    private MultiTensorFunction loss;
    private CompiledFunction compiled;
    private MultiTensorFunction compiledLoss;
    private CompiledFunction.MultiRunner vjpRunner;
    private double[][] flatArgs;
    private double[][] flatOut;
    private Hand hand;

    /** The model in Tensor ops; the parameters come first so AD.gradients can take them as arguments. */
    static Tensor loss(Tensor w1, Tensor b1, Tensor w2, Tensor b2, Tensor x) {
        Tensor h = w1.matmul(x).plus(b1).tanh();
        Tensor y = w2.matmul(h).plus(b2);
        return y.square().sum();
    }

    @Setup
    public void setup() {
        SplittableRandom rng = new SplittableRandom(42);
        x = Bare.tensor(rng, -1, 1, IN);
        w1 = Bare.tensor(rng, -1, 1, HIDDEN, IN);
        b1 = Bare.tensor(rng, -0.5, 0.5, HIDDEN);
        w2 = Bare.tensor(rng, -0.3, 0.3, OUT, HIDDEN);
        b2 = Bare.tensor(rng, -0.5, 0.5, OUT);
        Tensor input = x;
        loss = ps -> loss(ps[0], ps[1], ps[2], ps[3], input);
        compiled = Jit.compile(loss, w1, b1, w2, b2);
        CompiledFunction cf = compiled;
        compiledLoss = ps -> cf.apply(ps);
        vjpRunner = compiled.vjpRunner(new boolean[] {true, true, true, true}, w1, b1, w2, b2);
        if (vjpRunner == null) throw new IllegalStateException("MlpBench: the loss's VJP could not be compiled");
        flatArgs = new double[][] {w1.toDoubleArray(), b1.toDoubleArray(), w2.toDoubleArray(), b2.toDoubleArray(), {1.0}};
        flatOut = new double[][] {new double[1], new double[w1.size()], new double[b1.size()], new double[w2.size()], new double[b2.size()]};
        hand = new Hand(x.toDoubleArray(), w1.toDoubleArray(), b1.toDoubleArray(), w2.toDoubleArray(), b2.toDoubleArray());
        check();
    }

    /** All four paths give the same loss and gradients (to rounding), or the benchmark refuses to run. */
    private void check() {
        double l = plainForward().item();
        expectClose("hand-written loss", l, handForward());
        expectClose("compiled loss", l, jitForward().item());
        Tensor[] g = adGradient();
        Tensor[] gj = jitGradient();
        handGradient();
        expectClose("value+VJP program loss", l, jitVjpRunner());
        double[][] gh = {hand.gw1, hand.gb1, hand.gw2, hand.gb2};
        for (int k = 0; k < 4; k++) {
            double[] ga = g[k].toDoubleArray(), gc = gj[k].toDoubleArray();
            for (int i = 0; i < ga.length; i++) {
                expectClose("hand-written gradient " + k + "[" + i + "]", ga[i], gh[k][i]);
                expectClose("compiled gradient " + k + "[" + i + "]", ga[i], gc[i]);
                expectClose("value+VJP program gradient " + k + "[" + i + "]", ga[i], flatOut[k + 1][i]);
            }
        }
    }

    private static void expectClose(String what, double want, double got) {
        if (!(Math.abs(want - got) <= 1e-12 * Math.max(1.0, Math.abs(want)))) {
            throw new IllegalStateException("MlpBench: " + what + " is " + got + ", the tape gives " + want);
        }
    }

    @Benchmark public Tensor plainForward() { return loss(w1, b1, w2, b2, x); }

    @Benchmark public Tensor[] adGradient() { return AD.gradients(loss, w1, b1, w2, b2); }

    /** The recording half of adGradient: the forward pass on a live tape, no backward walk. */
    @Benchmark public Tensor adRecordOnly() {
        Tape tape = new Tape();
        Tensor l = loss(tape.track(w1), tape.track(b1), tape.track(w2), tape.track(b2), x);
        tape.close();
        return l;
    }

    @Benchmark public double handForward() { return hand.forward(); }

    @Benchmark public double handGradient() { return hand.gradient(); }

    @Benchmark public Tensor jitForward() { return compiled.apply(w1, b1, w2, b2); }

    @Benchmark public Tensor[] jitGradient() { return AD.gradients(compiledLoss, w1, b1, w2, b2); }

    /**
     * The compiled value-and-VJP program run directly over flat arrays (CompiledFunction.vjpRunner,
     * what solvers use on hot paths): one program computes the loss and all four gradients, no tape.
     */
    @Benchmark public double jitVjpRunner() {
        vjpRunner.run(flatArgs);
        for (int i = 0; i < flatOut.length; i++) vjpRunner.copyOutput(i, flatOut[i], 0);
        return flatOut[0][0];
    }

    /** Forward and backward written out over preallocated double[] (row-major, as the tensors). */
    static final class Hand {
        final double[] x, w1, b1, w2, b2;
        final double[] h = new double[HIDDEN], y = new double[OUT], dh = new double[HIDDEN];
        final double[] gw1 = new double[HIDDEN * IN], gb1 = new double[HIDDEN], gw2 = new double[OUT * HIDDEN], gb2 = new double[OUT];

        Hand(double[] x, double[] w1, double[] b1, double[] w2, double[] b2) {
            this.x = x;
            this.w1 = w1;
            this.b1 = b1;
            this.w2 = w2;
            this.b2 = b2;
        }

        double forward() {
            for (int i = 0; i < HIDDEN; i++) {
                double s = b1[i];
                for (int k = 0; k < IN; k++) s += w1[i * IN + k] * x[k];
                h[i] = Bare.tanh(s);
            }
            double l = 0.0;
            for (int j = 0; j < OUT; j++) {
                double s = b2[j];
                for (int i = 0; i < HIDDEN; i++) s += w2[j * HIDDEN + i] * h[i];
                y[j] = s;
                l += s * s;
            }
            return l;
        }

        /** Loss, with the gradients left in gw1, gb1, gw2, gb2. */
        double gradient() {
            double l = forward();
            java.util.Arrays.fill(dh, 0.0);
            for (int j = 0; j < OUT; j++) {
                double dy = 2.0 * y[j];
                gb2[j] = dy;
                for (int i = 0; i < HIDDEN; i++) {
                    gw2[j * HIDDEN + i] = dy * h[i];
                    dh[i] += w2[j * HIDDEN + i] * dy;
                }
            }
            for (int i = 0; i < HIDDEN; i++) {
                double dz = dh[i] * (1.0 - h[i] * h[i]);
                gb1[i] = dz;
                for (int k = 0; k < IN; k++) gw1[i * IN + k] = dz * x[k];
            }
            return l;
        }
    }
}
