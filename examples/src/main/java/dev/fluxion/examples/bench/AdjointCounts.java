package dev.fluxion.examples.bench;

import dev.fluxion.autodiff.AD;
import dev.fluxion.diffeq.OdeFunction;
import dev.fluxion.diffeq.OdeProblem;
import dev.fluxion.diffeq.OdeSolution;
import dev.fluxion.diffeq.SensitivityAlgorithm;
import dev.fluxion.diffeq.SolveOptions;
import dev.fluxion.diffeq.ode.Tsit5;
import dev.fluxion.diffeq.sensitivity.AdjointNorm;
import dev.fluxion.diffeq.sensitivity.BacksolveAdjoint;
import dev.fluxion.diffeq.sensitivity.GaussAdjoint;
import dev.fluxion.diffeq.sensitivity.InterpolatingAdjoint;
import dev.fluxion.diffeq.sensitivity.QuadratureAdjoint;
import dev.fluxion.diffeq.sensitivity.ReverseTape;
import dev.fluxion.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Issue 15, point 2: model evaluations and time per gradient of every adjoint on the batched neural
 * ODE (B trajectories of a 2-D state through Dense(2, 64, tanh), Dense(64, 2), 322 parameters;
 * 20 saved points on (0, 1]; Tsit5 at rtol 1e-5, atol 1e-7; loss = sum of squares of the saved
 * series). Counts run f eagerly ({@code compile(false)}: every evaluation, VJPs included, calls f
 * once) and are set against the floor the saved points force: one Tsit5 step per interval, 7
 * evaluations each (FSAL is lost at every jump of the cotangent), 140. Times run the compiled f, a
 * warmed-up harness: the methods interleaved round by round in one JVM (warm-up until each has run
 * 4 s, then at least 3 s each measured), the median and the fastest-to-slowest spread of the
 * measured rounds; on a loaded machine the fastest round is the steadier figure.
 *
 * <p>{@code java -cp examples/target/benchmarks.jar dev.fluxion.examples.bench.AdjointCounts [B ...]}
 * (default B = 16 256 1024; counts at 16 and 1024).
 */
public final class AdjointCounts {
    private AdjointCounts() {}

    static final int INTERVALS = 20, STAGES = 7;

    static List<SensitivityAlgorithm> methods() {
        return List.of(new ReverseTape(), new BacksolveAdjoint(), InterpolatingAdjoint.dense(), new InterpolatingAdjoint(),
                new QuadratureAdjoint(), new GaussAdjoint(), new BacksolveAdjoint().withNorm(AdjointNorm.FULL),
                InterpolatingAdjoint.dense().withNorm(AdjointNorm.FULL));
    }

    /** The batched problem: f counts its calls in count. */
    static final class Problem {
        final AtomicLong count = new AtomicLong();
        final Tensor p, u0;
        final OdeFunction f = (u, q, t) -> {
            count.incrementAndGet();
            Tensor w1 = q.slice(0, 0, 128).reshape(64, 2), b1 = q.slice(0, 128, 192);
            Tensor w2 = q.slice(0, 192, 320).reshape(2, 64), b2 = q.slice(0, 320, 322);
            return u.matmul(w1.transpose()).plus(b1).tanh().matmul(w2.transpose()).plus(b2);
        };
        final double[] ts = new double[INTERVALS];

        Problem(int batch) {
            SplittableRandom rng = new SplittableRandom(1);
            p = Tensor.randn(rng, 322).times(0.3);
            u0 = Tensor.randn(rng, batch * 2).reshape(batch, 2);
            for (int i = 0; i < INTERVALS; i++) ts[i] = (i + 1) / (double) INTERVALS;
        }

        /** {forward evaluations, all evaluations} of one gradient, or the gradient's time in ns when timing. */
        long[] gradient(SensitivityAlgorithm s, boolean compile) {
            SolveOptions o = SolveOptions.defaults().saveat(ts).rtol(1e-5).atol(1e-7).sensealg(s).compile(compile);
            OdeSolution[] sol = new OdeSolution[1];
            count.set(0);
            long t0 = System.nanoTime();
            Tensor g = AD.gradient(q -> {
                sol[0] = new OdeProblem(f, u0, 0.0, 1.0, q).solve(new Tsit5(), o);
                return sol[0].u().square().sum();
            }, p);
            long ns = System.nanoTime() - t0;
            if (!Double.isFinite(g.valueAt(0))) throw new IllegalStateException(s + ": gradient not finite");
            return new long[] {sol[0].stats().functionEvaluations(), count.get(), ns};
        }
    }

    public static void main(String[] args) {
        Locale.setDefault(Locale.ROOT);
        int[] batches = args.length > 0 ? Arrays.stream(args).mapToInt(Integer::parseInt).toArray() : new int[] {16, 256, 1024};
        int floor = INTERVALS * STAGES;
        System.out.println("load before: " + loadavg());
        for (int b : batches) {
            if (b != 16 && b != 1024) continue;
            Problem prob = new Problem(b);
            System.out.printf("%nEvaluations per gradient, B = %d (floor of the backward solve: %d)%n%n", b, floor);
            System.out.println("| method | forward | backward | backward / floor |");
            System.out.println("| --- | ---: | ---: | ---: |");
            for (SensitivityAlgorithm s : methods()) {
                long[] c = prob.gradient(s, false);
                long back = c[1] - c[0];
                System.out.printf("| %s | %d | %d | %s |%n", s, c[0], back, s instanceof ReverseTape ? "–" : String.format("%.2f", back / (double) floor));
            }
        }
        for (int b : batches) {
            Problem prob = new Problem(b);
            List<SensitivityAlgorithm> ms = methods();
            // warm-up until every method has run 4 s (and 3 rounds), then rounds until each has 3 s measured (and 7 rounds)
            double[] spent = new double[ms.size()];
            int warm = 0;
            while (warm < 3 || Arrays.stream(spent).min().orElse(0) < 4.0) {
                for (int i = 0; i < ms.size(); i++) spent[i] += prob.gradient(ms.get(i), true)[2] / 1e9;
                warm++;
            }
            List<List<Double>> times = new ArrayList<>();
            for (int i = 0; i < ms.size(); i++) times.add(new ArrayList<>());
            Arrays.fill(spent, 0.0);
            int rounds = 0;
            while (rounds < 7 || Arrays.stream(spent).min().orElse(0) < 3.0) {
                for (int i = 0; i < ms.size(); i++) {
                    long ns = prob.gradient(ms.get(i), true)[2];
                    spent[i] += ns / 1e9;
                    times.get(i).add(ns / 1e6);
                }
                rounds++;
            }
            System.out.printf("%nTime per gradient, B = %d (compiled f; %d warm-up and %d measured rounds, methods interleaved; load %s)%n%n",
                    b, warm, rounds, loadavg());
            System.out.println("| method | median ms | fastest – slowest | median × ReverseTape | fastest × ReverseTape's fastest |");
            System.out.println("| --- | ---: | --- | ---: | ---: |");
            double tape = median(times.get(0));
            double tapeMin = times.get(0).stream().mapToDouble(Double::doubleValue).min().orElseThrow();
            for (int i = 0; i < ms.size(); i++) {
                double[] t = times.get(i).stream().mapToDouble(Double::doubleValue).sorted().toArray();
                System.out.printf("| %s | %.2f | %.2f – %.2f | %.2f | %.2f |%n", ms.get(i), median(times.get(i)), t[0], t[t.length - 1],
                        median(times.get(i)) / tape, t[0] / tapeMin);
            }
        }
        System.out.println("\nload after: " + loadavg());
    }

    static double median(List<Double> xs) {
        double[] t = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return t[t.length / 2];
    }

    static String loadavg() {
        try {
            return new String(java.nio.file.Files.readAllBytes(java.nio.file.Path.of("/proc/loadavg"))).trim();
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }
}
