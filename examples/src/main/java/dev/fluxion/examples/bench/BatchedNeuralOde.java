package dev.fluxion.examples.bench;

import dev.fluxion.autodiff.AD;
import dev.fluxion.autodiff.CompiledFunction;
import dev.fluxion.autodiff.Jit;
import dev.fluxion.autodiff.MultiTensorFunction;
import dev.fluxion.autodiff.TensorFunction;
import dev.fluxion.diffeq.SolveOptions;
import dev.fluxion.diffeq.ode.Tsit5;
import dev.fluxion.nn.Activation;
import dev.fluxion.nn.Chain;
import dev.fluxion.nn.Dense;
import dev.fluxion.nn.Flat;
import dev.fluxion.nn.NeuralODE;
import dev.fluxion.tensor.MathFunctions;
import dev.fluxion.tensor.RowPool;
import dev.fluxion.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Issue 15's batched neural ODE, the case bench/peers/batched_torchdiffeq.py runs for torchdiffeq:
 * B trajectories of a 2-D state (uniform in [−1, 1]²) through Dense(2, 64, tanh), Dense(64, 2)
 * (322 parameters), saved at t = 0.05, 0.10, …, 1.0, Tsit5 at rtol 1e-5, atol 1e-7, loss = the sum
 * of squares of the saved series, d loss / d θ. A warmed-up harness: for each B and sensealg, untimed
 * gradients until the JIT is quiet ({@link JitWarmup}, 2–20 s), then {@code reps} timed ones; it prints the median and the
 * 10th–90th percentiles (ms per gradient), the forward solve's f evaluations, and the GFLOP/s of the
 * batched right-hand side (4·B·64·2 + 2·B·64 flops per f evaluation, counted as multiply-adds × 2, the
 * same count for the hand-written loop) timed alone against a hand-written double loop over the rows.
 *
 * <pre>java -cp examples/target/benchmarks.jar dev.fluxion.examples.bench.BatchedNeuralOde [B,B,...] [sensealg,...] [reps]</pre>
 * (sensealg {@code kernels}, {@code vjpkernels}, {@code rhs} or {@code split} prints those tables instead; vjpkernels and rhs take reps as their rounds.)
 */
public final class BatchedNeuralOde {
    private BatchedNeuralOde() {}

    static final int WIDTH = 64;

    public static void main(String[] args) {
        int[] bs = Arrays.stream((args.length > 0 ? args[0] : "16,256,1024").split(",")).mapToInt(Integer::parseInt).toArray();
        List<String> methods = Arrays.asList((args.length > 1 ? args[1] : "ReverseTape").split(","));
        int reps = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        if (methods.contains("kernels")) {
            for (int b : bs) kernels(b);
            return;
        }
        if (methods.contains("vjpkernels")) {
            for (int b : bs) vjpKernels(b, 32, reps);
            return;
        }
        if (methods.contains("rhs")) {
            System.out.printf("load before: %s%n", Load.now());
            System.out.println("| B | program | threads | µs/call (median of rounds) | GFLOP/s | hand loop µs/call | hand loop GFLOP/s |");
            System.out.println("| ---: | --- | ---: | ---: | ---: | ---: | ---: |");
            for (int b : bs) Rhs.table(b, reps);
            System.out.printf("load after: %s%n", Load.now());
            return;
        }
        if (methods.contains("split")) {
            System.out.printf("load before: %s%n", Load.now());
            System.out.println("| B | threads | wall ms/gradient (median of rounds) | caller CPU ms/gradient | worker CPU ms/gradient | worker share |");
            System.out.println("| ---: | ---: | ---: | ---: | ---: | ---: |");
            for (int b : bs) SplitAB.table(b, reps);
            System.out.printf("load after: %s%n", Load.now());
            return;
        }
        System.out.printf("load before: %s%n", Load.now());
        System.out.println("| B | sensealg | median ms/gradient | p10 – p90 | f evals (forward) | rhs GFLOP/s (Fluxion) | rhs GFLOP/s (hand loop) | CPU ms/gradient (all threads) | CPU ms/gradient (this thread) | warm-up s (until the JIT is quiet) |");
        System.out.println("| ---: | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        for (int b : bs) {
            for (String m : methods) {
                Case c = new Case(b, m);
                double[] t = c.time(reps);
                double[] rhs = c.rhsGflops();
                System.out.printf("| %d | %s | %.2f | %.2f – %.2f | %d | %.2f | %.2f | %.2f | %.2f | %.1f |%n", b, m, t[0], t[1], t[2], c.nf(), rhs[0], rhs[1], t[3], t[4], c.warmSeconds);
            }
        }
        System.out.printf("load after: %s%n", Load.now());
    }

    /**
     * µs per call of the ops one f evaluation and its pullback run at batch B (the profile's hot
     * spots): the two layers' products, tanh, the bias add, and the backward pass's products.
     */
    static void kernels(int b) {
        SplittableRandom rng = new SplittableRandom(1);
        Tensor x = Tensor.rand(rng, b, 2), w1 = Tensor.rand(rng, WIDTH, 2), b1 = Tensor.rand(rng, WIDTH);
        Tensor h = Tensor.rand(rng, b, WIDTH), w2 = Tensor.rand(rng, 2, WIDTH), g2 = Tensor.rand(rng, b, 2);
        double[] xs = x.toDoubleArray(), w1s = w1.toDoubleArray(), z = new double[b * WIDTH];
        System.out.printf("B = %d, µs per call (best of 7 rounds):%n", b);
        System.out.printf("  [B,2]·[64,2]ᵀ (layer 1)      %8.1f   plain loop %8.1f%n", Case.perCall(() -> Tensor.matmul(x, false, w1, true)) * 1e6,
                Case.perCall(() -> {
                    for (int r = 0; r < b; r++) for (int j = 0; j < WIDTH; j++) z[r * WIDTH + j] = xs[2 * r] * w1s[2 * j] + xs[2 * r + 1] * w1s[2 * j + 1];
                }) * 1e6);
        {   // as a compiled program runs them: kernels into reused buffers (the eager lines above allocate)
            dev.fluxion.tensor.Shape sx = x.shape(), sw = w1.shape(), sb = b1.shape(), so = dev.fluxion.tensor.Shape.of(b, WIDTH);
            dev.fluxion.tensor.Kernel mm = dev.fluxion.tensor.MatMul.of(false, true).kernel(new dev.fluxion.tensor.Shape[] {sx, sw}, so);
            dev.fluxion.tensor.Kernel add = dev.fluxion.tensor.ElementwiseOps.Binary.ADD.kernel(new dev.fluxion.tensor.Shape[] {so, sb}, so);
            dev.fluxion.tensor.Kernel fused = dev.fluxion.tensor.MatMulBias.of(false, true).kernel(new dev.fluxion.tensor.Shape[] {sx, sw, sb}, so);
            double[] bs = b1.toDoubleArray(), zz = new double[b * WIDTH], o = new double[b * WIDTH];
            System.out.printf("  kernels: x·W1ᵀ then + b1     %8.1f   fused (MatMulBias) %8.1f%n",
                    Case.perCall(() -> { mm.run(new double[][] {xs, w1s}, zz); add.run(new double[][] {zz, bs}, o); }) * 1e6,
                    Case.perCall(() -> fused.run(new double[][] {xs, w1s, bs}, o)) * 1e6);
        }
        System.out.printf("  [B,64]·[2,64]ᵀ (layer 2)     %8.1f%n", Case.perCall(() -> Tensor.matmul(h, false, w2, true)) * 1e6);
        System.out.printf("  tanh [B,64]                  %8.1f%n", Case.perCall(h::tanh) * 1e6);
        System.out.printf("  [B,64] + [64] (bias)         %8.1f%n", Case.perCall(() -> h.plus(b1)) * 1e6);
        System.out.printf("  [B,2]·[2,64] (dh, backward)  %8.1f%n", Case.perCall(() -> Tensor.matmul(g2, false, w2, false)) * 1e6);
        System.out.printf("  [B,2]ᵀ·[B,64] (dW2)          %8.1f%n", Case.perCall(() -> Tensor.matmul(g2, true, h, false)) * 1e6);
        System.out.printf("  [B,64]·[64,2] (dx, backward) %8.1f%n", Case.perCall(() -> Tensor.matmul(h, false, w1, false)) * 1e6);
        System.out.printf("  [B,64]ᵀ·[B,2] (dW1)          %8.1f%n", Case.perCall(() -> Tensor.matmul(h, true, x, false)) * 1e6);
    }

    /**
     * µs per call of the VJP's kernels as a compiled program runs them (kernels into reused
     * buffers), in program order, over {@code stages} stages' residuals h [B, 64] (32 stages at
     * B = 256 are 4 MB, so h comes from L3 or memory as in the gradient, not from L1/L2): dW2 = Gᵀ·h,
     * dh = G·W2, dz = tanh's pullback, db1 = sumTo(dz), dW1 = dzᵀ·x, dx = dz·W1. Each kernel timed
     * by System.nanoTime around it, summed over {@code rounds}·stages calls after as many untimed;
     * the last line compares their sum with the thread's CPU time per stage. Run it with
     * -Dfluxion.parallel=false for one thread.
     */
    static void vjpKernels(int b, int stages, int rounds) {
        SplittableRandom rng = new SplittableRandom(3);
        double[][] hs = new double[stages][], xs = new double[stages][], gs = new double[stages][];
        for (int s = 0; s < stages; s++) {
            hs[s] = Tensor.rand(rng, b, WIDTH).toDoubleArray();
            xs[s] = Tensor.rand(rng, b, 2).toDoubleArray();
            gs[s] = Tensor.rand(rng, b, 2).toDoubleArray();
        }
        double[] w1 = Tensor.rand(rng, WIDTH, 2).toDoubleArray(), w2 = Tensor.rand(rng, 2, WIDTH).toDoubleArray();
        dev.fluxion.tensor.Shape sB2 = dev.fluxion.tensor.Shape.of(b, 2), sBW = dev.fluxion.tensor.Shape.of(b, WIDTH),
                sW2 = dev.fluxion.tensor.Shape.of(WIDTH, 2), s2W = dev.fluxion.tensor.Shape.of(2, WIDTH), sW = dev.fluxion.tensor.Shape.of(WIDTH);
        dev.fluxion.tensor.Kernel[] k = {
            dev.fluxion.tensor.MatMul.of(true, false).kernel(new dev.fluxion.tensor.Shape[] {sB2, sBW}, s2W),
            dev.fluxion.tensor.MatMul.of(false, false).kernel(new dev.fluxion.tensor.Shape[] {sB2, s2W}, sBW),
            dev.fluxion.tensor.TanhBackward.INSTANCE.kernel(new dev.fluxion.tensor.Shape[] {sBW, sBW}, sBW),
            new dev.fluxion.tensor.ShapeOps.SumTo(sW).kernel(new dev.fluxion.tensor.Shape[] {sBW}, sW),
            dev.fluxion.tensor.MatMul.of(true, false).kernel(new dev.fluxion.tensor.Shape[] {sBW, sB2}, sW2),
            dev.fluxion.tensor.MatMul.of(false, false).kernel(new dev.fluxion.tensor.Shape[] {sBW, sW2}, sB2)};
        String[] names = {"dW2 = Gᵀ·h   [B,2]ᵀ·[B,64]", "dh = G·W2    [B,2]·[2,64]", "dz = dh·(1 − h²)", "db1 = sumTo(dz) → [64]", "dW1 = dzᵀ·x  [B,64]ᵀ·[B,2]", "dx = dz·W1   [B,64]·[64,2]"};
        double[] dW2 = new double[2 * WIDTH], dh = new double[b * WIDTH], dz = new double[b * WIDTH], db1 = new double[WIDTH], dW1 = new double[WIDTH * 2], dx = new double[b * 2];
        long[] t = new long[k.length];
        java.lang.management.ThreadMXBean tm = java.lang.management.ManagementFactory.getThreadMXBean();
        double cpu = 0;
        for (int pass = 0; pass < 2; pass++) {
            Arrays.fill(t, 0);
            long c0 = tm.getCurrentThreadCpuTime();
            for (int r = 0; r < rounds; r++) {
                for (int s = stages - 1; s >= 0; s--) {
                    double[][][] args = {{gs[s], hs[s]}, {gs[s], w2}, {hs[s], dh}, {dz}, {dz, xs[s]}, {dz, w1}};
                    double[][] outs = {dW2, dh, dz, db1, dW1, dx};
                    for (int q = 0; q < k.length; q++) {
                        long a = System.nanoTime();
                        k[q].run(args[q], outs[q]);
                        t[q] += System.nanoTime() - a;
                    }
                }
            }
            cpu = (tm.getCurrentThreadCpuTime() - c0) / 1e3 / rounds / stages;
        }
        System.out.printf("B = %d, the VJP's kernels over %d stages' residuals, µs per call (%d rounds):%n", b, stages, rounds);
        double sum = 0;
        for (int q = 0; q < k.length; q++) {
            double us = t[q] / 1e3 / rounds / stages;
            sum += us;
            System.out.printf("  %-30s %7.2f%n", names[q], us);
        }
        System.out.printf("  %-30s %7.2f   (thread CPU per stage %.2f)%n", "sum", sum, cpu);
    }

    /** One batch size and sensitivity method: the model, the data and the loss. */
    public static final class Case {
        final int b;
        final Chain model;
        final Flat flat;
        final NeuralODE node;
        final Tensor u0, theta;
        final TensorFunction loss;

        public Case(int b, String method) {
            this.b = b;
            SplittableRandom rng = new SplittableRandom(0);
            model = Chain.of(new Dense(2, WIDTH, Activation.TANH, rng), new Dense(WIDTH, 2, Activation.IDENTITY, rng));
            flat = new Flat(model);
            double[] ts = new double[20];
            for (int i = 0; i < 20; i++) ts[i] = 0.05 * (i + 1);
            SolveOptions o = SolveOptions.defaults().saveat(ts).rtol(1e-5).atol(1e-7).sensealg(GradientBench.method(method));
            node = new NeuralODE(model, 0.0, 1.0, new Tsit5(), o);
            u0 = Tensor.rand(rng, b, 2).times(2.0).minus(1.0);
            theta = flat.flatten();
            loss = q -> node.apply(u0, flat.unflatten(q)).square().sum();
        }

        /** Seconds the last {@link #time} warmed up for. */
        double warmSeconds;

        public Tensor gradient() { return AD.gradient(loss, theta); }

        int nf() { return node.solve(u0).stats().functionEvaluations(); }

        /**
         * Median, p10 and p90 of ms per gradient after a warm-up that lasts until the JIT is quiet
         * ({@link JitWarmup}: at least 2 s, at most 20 s; {@link #warmSeconds} says how long), and the process's
         * CPU time per gradient over the timed ones (every thread: the caller, the kernels' pool and the row workers;
         * JIT and GC threads too, quiet after warm-up). CPU time is what a loaded machine distorts
         * least: wall time there is mostly waiting for a core. With -Dfluxion.parallel=false and
         * -Dfluxion.threads=1 (no kernel split, no row split of f's programs) everything runs on the
         * calling thread, whose CPU time (the last figure, to the nanosecond) is then the whole
         * gradient's work: the figure to compare builds by on a busy machine.
         */
        double[] time(int reps) {
            warmSeconds = JitWarmup.run(this::gradient, 2.0, 20.0);
            List<Double> times = new ArrayList<>();
            long cpu0 = processCpuNanos();
            java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
            long own0 = threads.getCurrentThreadCpuTime();
            for (int r = 0; r < reps; r++) {
                long s = System.nanoTime();
                gradient();
                times.add((System.nanoTime() - s) / 1e6);
            }
            double cpu = (processCpuNanos() - cpu0) / 1e6 / reps;
            double own = (threads.getCurrentThreadCpuTime() - own0) / 1e6 / reps;
            double[] t = times.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            return new double[] {t[t.length / 2], t[t.length / 10], t[Math.min(t.length - 1, t.length * 9 / 10)], cpu, own};
        }

        static long processCpuNanos() {
            java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : -1;
        }

        /** GFLOP/s of one evaluation of the model on [B, 2]: Fluxion's tensor ops against a plain loop. */
        double[] rhsGflops() {
            double flops = 2.0 * b * (2 * WIDTH + WIDTH * 2) + 2.0 * b * WIDTH + 2.0 * b;   // two matmuls, two bias adds
            List<Tensor> ps = flat.unflatten(theta);
            double[] w1 = ps.get(0).toDoubleArray(), b1 = ps.get(1).toDoubleArray(), w2 = ps.get(2).toDoubleArray(), b2 = ps.get(3).toDoubleArray();
            double[] x = u0.toDoubleArray(), h = new double[b * WIDTH], y = new double[b * 2];
            double tF = perCall(() -> model.apply(u0, ps));
            double tL = perCall(() -> handLoop(x, w1, b1, w2, b2, h, y, b));
            return new double[] {flops / tF / 1e9, flops / tL / 1e9};
        }

        static double perCall(Runnable r) {
            for (int i = 0; i < 2000; i++) r.run();
            double best = Double.MAX_VALUE;
            for (int round = 0; round < 7; round++) {
                int n = 500;
                long s = System.nanoTime();
                for (int i = 0; i < n; i++) r.run();
                best = Math.min(best, (System.nanoTime() - s) / 1e9 / n);
            }
            return best;
        }

        /** As {@link #handLoop} with the library's scalar tanh (MathFunctions.tanh, ~10× Math.tanh's speed, the same function the programs run). */
        static void handLoopTanh(double[] x, double[] w1, double[] b1, double[] w2, double[] b2, double[] h, double[] y, int b) {
            for (int r = 0; r < b; r++) {
                double x0 = x[2 * r], x1 = x[2 * r + 1];
                int hr = r * WIDTH;
                for (int j = 0; j < WIDTH; j++) h[hr + j] = MathFunctions.tanh(w1[2 * j] * x0 + w1[2 * j + 1] * x1 + b1[j]);
                double s0 = b2[0], s1 = b2[1];
                for (int j = 0; j < WIDTH; j++) {
                    s0 += w2[j] * h[hr + j];
                    s1 += w2[WIDTH + j] * h[hr + j];
                }
                y[2 * r] = s0;
                y[2 * r + 1] = s1;
            }
        }

        /** The right-hand side written by hand: h = tanh(x W1ᵀ + b1), y = h W2ᵀ + b2, row by row. */
        static void handLoop(double[] x, double[] w1, double[] b1, double[] w2, double[] b2, double[] h, double[] y, int b) {
            for (int r = 0; r < b; r++) {
                double x0 = x[2 * r], x1 = x[2 * r + 1];
                int hr = r * WIDTH;
                for (int j = 0; j < WIDTH; j++) h[hr + j] = Math.tanh(w1[2 * j] * x0 + w1[2 * j + 1] * x1 + b1[j]);
                double s0 = b2[0], s1 = b2[1];
                for (int j = 0; j < WIDTH; j++) {
                    s0 += w2[j] * h[hr + j];
                    s1 += w2[WIDTH + j] * h[hr + j];
                }
                y[2 * r] = s0;
                y[2 * r + 1] = s1;
            }
        }
    }

    /**
     * The batched right-hand side alone, as a solver runs it: f's compiled forward program and its
     * compiled VJP (without the value, as the discrete adjoint runs it once per stage), each on one
     * thread and split by rows over two ({@link RowPool}), against plain hand-written loops over the
     * rows that compute the same (with the library's scalar tanh). Flops: forward 2·B·(2·64 + 64·2)
     * + B·(64 + 2) (products and bias adds); VJP 2·B·5·(64·2) + B·(64 + 3·64 + 64 + 2) (the first
     * layer again, four products for dh, dx, dW1, dW2, bias, tanh's pullback and the bias sums).
     * Median over rounds of the mean µs per call; the split and whole programs alternate round by round.
     */
    static final class Rhs {
        static void table(int b, int rounds) {
            Case c = new Case(b, "ReverseTape");
            Tensor p = c.theta;
            MultiTensorFunction f = a -> c.model.apply(a[0], c.flat.unflatten(a[1]));
            int[] threads = {1, 2};
            CompiledFunction.Runner[] fw = new CompiledFunction.Runner[2];
            CompiledFunction.MultiRunner[] vj = new CompiledFunction.MultiRunner[2];
            int old = RowPool.threads();
            for (int i = 0; i < 2; i++) {
                RowPool.setThreads(threads[i]);
                CompiledFunction cf = Jit.compile(f, c.u0, p, Tensor.scalar(0.0));
                fw[i] = cf.runner().bind(1, p.toDoubleArray());
                vj[i] = cf.vjpOnlyRunner(new boolean[] {true, true, false}, c.u0, p, Tensor.scalar(0.0)).bind(1, p.toDoubleArray());
            }
            RowPool.setThreads(old);
            double[] x = c.u0.toDoubleArray(), y = new double[2 * b], g = new SplittableRandom(3).doubles(2L * b, -1, 1).toArray();
            double[][] fargs = {x, null, {0.0}}, vargs = {x, null, {0.0}, g};
            double fFlops = 2.0 * b * (2 * WIDTH + WIDTH * 2) + b * (WIDTH + 2.0);
            double vFlops = 2.0 * b * 5 * (WIDTH * 2) + b * (WIDTH + 3.0 * WIDTH + WIDTH + 2);
            List<Tensor> ps = c.flat.unflatten(p);
            double[] w1 = ps.get(0).toDoubleArray(), b1 = ps.get(1).toDoubleArray(), w2 = ps.get(2).toDoubleArray(), b2 = ps.get(3).toDoubleArray();
            double[] h = new double[b * WIDTH], dx = new double[2 * b], dp = new double[p.size()];
            Runnable[] cases = {
                () -> fw[0].runInto(fargs, y, 0), () -> fw[1].runInto(fargs, y, 0),
                () -> vj[0].run(vargs), () -> vj[1].run(vargs),
                () -> Case.handLoopTanh(x, w1, b1, w2, b2, h, y, b),
                () -> handVjp(x, g, w1, b1, w2, dx, dp, b),
            };
            double[][] t = new double[cases.length][rounds];
            int n = Math.max(20, 2_000_000 / (b * 64));
            for (Runnable r : cases) for (int i = 0; i < 20 * n; i++) r.run();
            for (int round = 0; round < rounds; round++) {
                for (int k = 0; k < cases.length; k++) {
                    long s0 = System.nanoTime();
                    for (int i = 0; i < n; i++) cases[k].run();
                    t[k][round] = (System.nanoTime() - s0) / 1e3 / n;
                }
            }
            double[] med = new double[cases.length];
            for (int k = 0; k < cases.length; k++) {
                double[] v = t[k].clone();
                Arrays.sort(v);
                med[k] = v[v.length / 2];
            }
            String[] names = {"f", "f", "VJP", "VJP"};
            for (int k = 0; k < 4; k++) {
                double fl = k < 2 ? fFlops : vFlops, hand = k < 2 ? med[4] : med[5];
                System.out.printf("| %d | %s | %d | %.1f | %.2f | %.1f | %.2f |%n", b, names[k], threads[k % 2], med[k], fl / med[k] / 1e3, hand, fl / hand / 1e3);
            }
        }

        /** f's VJP written by hand, row by row: dx = J_xᵀ g, dp = Σ_rows J_pᵀ g (W1, b1, W2, b2 in Flat's order). */
        static void handVjp(double[] x, double[] g, double[] w1, double[] b1, double[] w2, double[] dx, double[] dp, int b) {
            Arrays.fill(dp, 0.0);
            double[] dz = new double[WIDTH];
            int oB1 = 2 * WIDTH, oW2 = 3 * WIDTH, oB2 = 5 * WIDTH;
            for (int r = 0; r < b; r++) {
                double x0 = x[2 * r], x1 = x[2 * r + 1], g0 = g[2 * r], g1 = g[2 * r + 1];
                double d0 = 0, d1 = 0;
                for (int j = 0; j < WIDTH; j++) {
                    double hj = MathFunctions.tanh(w1[2 * j] * x0 + w1[2 * j + 1] * x1 + b1[j]);
                    dp[oW2 + j] += g0 * hj;
                    dp[oW2 + WIDTH + j] += g1 * hj;
                    double z = (g0 * w2[j] + g1 * w2[WIDTH + j]) * (1 - hj * hj);
                    dz[j] = z;
                    d0 += z * w1[2 * j];
                    d1 += z * w1[2 * j + 1];
                }
                for (int j = 0; j < WIDTH; j++) {
                    dp[2 * j] += dz[j] * x0;
                    dp[2 * j + 1] += dz[j] * x1;
                    dp[oB1 + j] += dz[j];
                }
                dp[oB2] += g0;
                dp[oB2 + 1] += g1;
                dx[2 * r] = d0;
                dx[2 * r + 1] = d1;
            }
        }
    }

    /**
     * The tape's gradient with f's programs whole (one thread) and split by rows over two, two
     * cases in one JVM alternating round by round: wall time per gradient, and CPU time of the
     * calling thread and of the row workers (fluxion-rows-*), per gradient.
     */
    static final class SplitAB {
        static void table(int b, int rounds) {
            int old = RowPool.threads();
            Case[] cs = new Case[2];
            for (int i = 0; i < 2; i++) {
                RowPool.setThreads(i + 1);
                cs[i] = new Case(b, "ReverseTape");
                cs[i].gradient();   // compiles f and its VJP under this setting
            }
            RowPool.setThreads(old);
            java.lang.management.ThreadMXBean tm = java.lang.management.ManagementFactory.getThreadMXBean();
            int n = Math.max(3, 200_000 / (b * 64));
            long warmEnd = System.nanoTime() + 2_000_000_000L;
            while (System.nanoTime() < warmEnd) for (Case c : cs) c.gradient();
            double[][] wall = new double[2][rounds], own = new double[2][rounds], work = new double[2][rounds];
            for (int round = 0; round < rounds; round++) {
                for (int i = 0; i < 2; i++) {
                    long w0 = workersCpu(tm), c0 = tm.getCurrentThreadCpuTime(), s0 = System.nanoTime();
                    for (int k = 0; k < n; k++) cs[i].gradient();
                    wall[i][round] = (System.nanoTime() - s0) / 1e6 / n;
                    own[i][round] = (tm.getCurrentThreadCpuTime() - c0) / 1e6 / n;
                    work[i][round] = (workersCpu(tm) - w0) / 1e6 / n;
                }
            }
            for (int i = 0; i < 2; i++) {
                double w = median(wall[i]), o = median(own[i]), k = median(work[i]);
                System.out.printf("| %d | %d | %.2f | %.2f | %.2f | %.0f %% |%n", b, i + 1, w, o, k, 100 * k / (o + k));
            }
        }

        static double median(double[] v) {
            double[] s = v.clone();
            Arrays.sort(s);
            return s[s.length / 2];
        }

        static long workersCpu(java.lang.management.ThreadMXBean tm) {
            long sum = 0;
            for (java.lang.management.ThreadInfo ti : tm.getThreadInfo(tm.getAllThreadIds())) {
                if (ti != null && ti.getThreadName().startsWith("fluxion-rows-")) sum += Math.max(0, tm.getThreadCpuTime(ti.getThreadId()));
            }
            return sum;
        }
    }

    /** The 1-minute load average, for the record beside the timings. */
    static final class Load {
        static String now() {
            try {
                return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim();
            } catch (java.io.IOException e) {
                return "unknown";
            }
        }
    }
}
