package dev.fluxion.examples.bench;

import dev.fluxion.diffeq.SolveOptions;
import dev.fluxion.diffeq.ode.Tsit5;
import dev.fluxion.nn.NeuralODE;
import dev.fluxion.optim.Adam;
import dev.fluxion.optim.Progress;
import dev.fluxion.optim.Trainer;
import dev.fluxion.optim.TrainingResult;
import dev.fluxion.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Issue #5's training speed: the spiral trained with Adam(0.1) for 300 iterations at rtol 1e-7,
 * atol 1e-9, per sensitivity method — a warmed-up harness (one full untimed run first, so the JIT
 * has compiled everything), reporting the median time per iteration (forward, gradient, Adam step)
 * with the 10th and 90th percentiles, and the loss at 0, 100 and 300 iterations.
 * {@code java -cp examples/target/benchmarks.jar dev.fluxion.examples.bench.TrainingTimes [methods...]}
 */
public final class TrainingTimes {
    private TrainingTimes() {}

    public static void main(String[] args) {
        List<String> methods = args.length > 0 ? Arrays.asList(args)
                : List.of("InterpolatingAdjoint", "BacksolveAdjoint", "QuadratureAdjoint", "ReverseTape", "InterpolatingAdjoint.dense");
        System.out.println("| sensealg | median ms/iteration | p10 – p90 | total s | loss at 0 / 100 / 300 |");
        System.out.println("| --- | ---: | --- | ---: | --- |");
        for (String m : methods) {
            run(m, true);
            Row r = run(m, false);
            System.out.printf("| %s | %.2f | %.2f – %.2f | %.2f | %.4g / %.4g / %.4g |%n", m, r.median, r.p10, r.p90, r.total,
                    r.losses.get(0), r.losses.get(100), r.losses.get(300));
        }
    }

    record Row(double median, double p10, double p90, double total, List<Double> losses) {}

    static Row run(String method, boolean warmup) {
        GradientBench.Spiral s = GradientBench.Spiral.create(0);
        NeuralODE node = new NeuralODE(s.model, 0.0, 1.5, new Tsit5(), GradientBench.Spiral.options().sensealg(GradientBench.method(method)));
        Tensor u0 = Tensor.of(2.0, 0.0);
        List<Double> times = new ArrayList<>();
        long start = System.nanoTime();
        long[] last = {System.nanoTime()};
        TrainingResult r = Trainer.train(() -> node.apply(u0).minus(s.data).square().sum(), s.model.parameters(), new Adam(0.1), 300,
                (it, l, ps) -> {
                    long now = System.nanoTime();
                    times.add((now - last[0]) / 1e6);
                    last[0] = now;
                    return false;
                }, Progress.NEVER);
        double total = (System.nanoTime() - start) / 1e9;
        List<Double> losses = new ArrayList<>(r.losses());
        losses.add(node.apply(u0).minus(s.data).square().sum().item());
        double[] t = times.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return new Row(t[t.length / 2], t[t.length / 10], t[t.length * 9 / 10], total, losses);
    }
}
