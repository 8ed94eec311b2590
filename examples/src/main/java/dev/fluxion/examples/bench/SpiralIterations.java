package dev.fluxion.examples.bench;

import dev.fluxion.diffeq.ode.Tsit5;
import dev.fluxion.nn.NeuralODE;
import dev.fluxion.optim.Adam;
import dev.fluxion.optim.Progress;
import dev.fluxion.optim.Trainer;
import dev.fluxion.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * The spiral per training iteration as a user's run sees it (issue 15), beside
 * bench/peers/spiral_torchdiffeq.py: the main job's model, data, solver and learning-rate schedule
 * ({@code dev.fluxion.examples.Spiral.schedule}), one sensealg, timed per iteration (forward,
 * gradient, Adam step) from the JVM's first iteration: the median and 10th–90th percentiles over
 * iterations 1–40 (cold: JIT compilation included) and over the whole run (steady state), by the
 * wall clock and by this thread's CPU time (which a loaded machine inflates less).
 *
 * <pre>java -cp examples/target/benchmarks.jar dev.fluxion.examples.bench.SpiralIterations [--iterations 1000] [--sensealg reverse]</pre>
 */
public final class SpiralIterations {
    private SpiralIterations() {}

    public static void main(String[] argv) {
        int iterations = 1000;
        String sense = dev.fluxion.examples.Spiral.DEFAULT_SENSEALG;
        for (int i = 0; i + 1 < argv.length; i += 2) {
            switch (argv[i]) {
                case "--iterations" -> iterations = Integer.parseInt(argv[i + 1]);
                case "--sensealg" -> sense = argv[i + 1];
                default -> throw new IllegalArgumentException("unknown option " + argv[i] + " (--iterations N, --sensealg NAME)");
            }
        }
        GradientBench.Spiral s = GradientBench.Spiral.create(0);
        NeuralODE node = new NeuralODE(s.model, 0.0, 1.5, new Tsit5(),
                GradientBench.Spiral.options().sensealg(dev.fluxion.examples.Spiral.sensealg(sense)));
        Tensor u0 = Tensor.of(2.0, 0.0);
        List<Double> times = new ArrayList<>(), cpu = new ArrayList<>();
        long[] last = {System.nanoTime(), CPU.getCurrentThreadCpuTime()};
        System.out.printf("load before: %s%n", BatchedNeuralOde.Load.now());
        var r = Trainer.train(() -> node.apply(u0).minus(s.data).square().sum(), s.model.parameters(),
                new Adam(dev.fluxion.examples.Spiral.schedule("exponential", 0.1, 300, 0.01, iterations), 0.9, 0.999, 1e-8), iterations,
                (it, l, ps) -> {
                    long now = System.nanoTime(), c = CPU.getCurrentThreadCpuTime();
                    times.add((now - last[0]) / 1e6);
                    cpu.add((c - last[1]) / 1e6);
                    last[0] = now;
                    last[1] = c;
                    return false;
                }, Progress.NEVER);
        System.out.printf("%s, %d iterations, final loss %.6f%n", sense, iterations, r.losses().get(r.losses().size() - 1));
        System.out.printf("ms per iteration, 1-40: %s; all %d: %s%n", summary(times.subList(0, Math.min(40, times.size()))), times.size(), summary(times));
        System.out.printf("this thread's CPU ms per iteration (not counting waits for a core, GC or JIT threads), 1-40: %s; all %d: %s%n",
                summary(cpu.subList(0, Math.min(40, cpu.size()))), cpu.size(), summary(cpu));
        System.out.printf("load after: %s%n", BatchedNeuralOde.Load.now());
    }

    private static final java.lang.management.ThreadMXBean CPU = java.lang.management.ManagementFactory.getThreadMXBean();

    static String summary(List<Double> ts) {
        double[] t = ts.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return String.format("median %.2f (p10 %.2f, p90 %.2f)", t[t.length / 2], t[t.length / 10], t[Math.min(t.length - 1, t.length * 9 / 10)]);
    }
}
