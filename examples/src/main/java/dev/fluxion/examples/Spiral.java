package dev.fluxion.examples;

import dev.fluxion.diffeq.OdeAlgorithm;
import dev.fluxion.diffeq.OdeProblem;
import dev.fluxion.diffeq.SolveOptions;
import dev.fluxion.diffeq.ode.BS3;
import dev.fluxion.diffeq.ode.DP5;
import dev.fluxion.diffeq.ode.Tsit5;
import dev.fluxion.diffeq.ode.Vern7;
import dev.fluxion.diffeq.ode.Vern9;
import dev.fluxion.diffeq.sensitivity.BacksolveAdjoint;
import dev.fluxion.diffeq.sensitivity.ForwardDuals;
import dev.fluxion.diffeq.sensitivity.InterpolatingAdjoint;
import dev.fluxion.diffeq.sensitivity.QuadratureAdjoint;
import dev.fluxion.diffeq.sensitivity.ReverseTape;
import dev.fluxion.diffeq.SensitivityAlgorithm;
import dev.fluxion.nn.Activation;
import dev.fluxion.nn.Chain;
import dev.fluxion.nn.Dense;
import dev.fluxion.nn.Layer;
import dev.fluxion.nn.NeuralODE;
import dev.fluxion.optim.Adam;
import dev.fluxion.optim.LearningRate;
import dev.fluxion.optim.Progress;
import dev.fluxion.optim.Trainer;
import dev.fluxion.optim.TrainingResult;
import dev.fluxion.tensor.Tensor;
import org.knowm.xchart.XYChart;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The main job: the seed's neural ODE spiral (DiffEqFlux's release post; Chen et al. 2018). Data
 * from du = ((u.^3)' A)' with A = [-0.1 2; -2 -0.1], u0 = [2, 0], 30 points on [0, 1.5]; the
 * model x → x.^3, Dense(2, 50, tanh), Dense(50, 2) inside an ODE solved by Tsit5 and
 * differentiated by an adjoint; Adam. Prints progress and the final loss, writes a PNG of data
 * against prediction (and the loss curve).
 */
public final class Spiral {
    private Spiral() {}

    static final String USAGE = """
            ./fluxion spiral [--iterations 300] [--lr 0.1] [--schedule exponential|cosine|constant] [--hold 300] [--lr-min 0.01]
                             [--solver Tsit5|DP5|BS3|Vern7|Vern9]
                             [--sensealg reverse|interpolating|backsolve|quadrature|forward]
                             [--rtol 1e-7] [--atol 1e-9] [--seed 0] [--every 10] [--output spiral.png] [--quiet]""";

    /**
     * The job's sensitivity method: ReverseTape, whose solve here (Tsit5, a compiled network, a
     * saveat series) is one op with the RK scheme's discrete adjoint as its backward pass. Measured
     * in one JVM over the default run's 1000 iterations (docs/BENCHMARKS.md, "Spiral per
     * iteration"): about 1.7 ms of CPU per iteration against 4.7 ms for the checkpointed
     * InterpolatingAdjoint, 150 KB allocated against 7.8 MB, the same loss curve (0.022788 against
     * 0.022787 after 1000 iterations): it is the exact gradient of what the solver computed, where
     * an adjoint's is that of the ODE to the backward solve's tolerance. Its memory (every step's
     * stages, 2 numbers each here) is no concern for a 2-component state.
     */
    public static final String DEFAULT_SENSEALG = "reverse";

    /** What a run produced. */
    record Result(List<Double> losses, double millisPerIteration, Path plot, double[][] data, double[][] prediction) {
        double finalLoss() { return losses.get(losses.size() - 1); }
    }

    public static void main(String[] argv) {
        Args a = new Args(argv);
        if (a.has("help")) {
            System.out.println(USAGE);
            return;
        }
        run(a);
    }

    static Result run(Args a) {
        int iterations = a.getInt("iterations", 300);
        double lr = a.getDouble("lr", 0.1);
        int hold = a.getInt("hold", 300);
        double lrMin = a.getDouble("lr-min", Math.min(0.01, lr));   // a smaller --lr decays from there
        LearningRate schedule = schedule(a.get("schedule", "exponential"), lr, hold, lrMin, iterations);
        OdeAlgorithm solver = solver(a.get("solver", "Tsit5"));
        SensitivityAlgorithm sense = sensealg(a.get("sensealg", DEFAULT_SENSEALG));
        double rtol = a.getDouble("rtol", 1e-7), atol = a.getDouble("atol", 1e-9);
        long seed = a.getInt("seed", 0);
        int every = a.getInt("every", 10);
        boolean quiet = a.has("quiet");
        Path output = Path.of(a.get("output", "spiral.png"));

        double[] ts = SpiralData.times();
        Tensor u0 = Tensor.of(2.0, 0.0);
        Tensor data = SpiralData.data();

        SplittableRandom rng = new SplittableRandom(seed);
        Chain model = Chain.of(Layer.of(x -> x.pow(3.0)),
                new Dense(2, 50, Activation.TANH, rng),
                new Dense(50, 2, Activation.IDENTITY, rng));
        NeuralODE node = new NeuralODE(model, 0.0, 1.5, solver,
                SolveOptions.defaults().saveat(ts).rtol(rtol).atol(atol).sensealg(sense));
        if (!quiet) {
            System.out.printf("Neural ODE spiral: %s, %s, %s, Adam(%s), %d iterations, rtol %.0e, atol %.0e%n",
                    model.describe(), solver.name(), sense.name(), describe(a.get("schedule", "exponential"), lr, hold, lrMin, iterations),
                    iterations, rtol, atol);
        }
        long start = System.nanoTime();
        TrainingResult r = Trainer.train(() -> node.apply(u0).minus(data).square().sum(), model.parameters(),
                new Adam(schedule, 0.9, 0.999, 1e-8), iterations,
                (it, loss, ps) -> {
                    if (!quiet && (it == 1 || it % every == 0 || it == iterations)) {
                        System.out.printf("iteration %4d  loss %.6f  (%.1f s)%n", it, loss, (System.nanoTime() - start) / 1e9);
                    }
                    return false;
                }, Progress.NEVER);
        double[][] prediction = rows(node.apply(u0));
        double finalLoss = node.apply(u0).minus(data).square().sum().item();
        List<Double> losses = new ArrayList<>(r.losses());
        losses.add(finalLoss);
        Path plot = plot(output, ts, rows(data), prediction, losses, solver.name() + ", " + sense.name());
        if (!quiet) {
            System.out.printf("final loss %.6f after %d iterations (%s); loss at 0 / 100 / 300: %s / %s / %s%n",
                    finalLoss, r.iterations(), r.message(), at(losses, 0), at(losses, 100), at(losses, 300));
            System.out.printf("median %.2f ms per iteration (forward, gradient, Adam step); plot written to %s%n",
                    r.millisPerIteration(), plot.toAbsolutePath());
        }
        return new Result(losses, r.millisPerIteration(), plot, rows(data), prediction);
    }

    /**
     * The job's learning rate. Default "exponential": Adam's lr held for the first {@code hold}
     * iterations (so the documented 300-iteration curve is unchanged), then decayed geometrically
     * to lrMin at the last iteration. Held at 0.1 the loss left its minimum for good: issue 15's
     * run went from 0.0078 at iteration 930 to 97, and on this branch's kernels the same run went
     * from 0.085 at iteration 350 to 49 at 370 and stayed above 10 for 300 iterations. Adam's step
     * is about lr per coordinate whatever the gradient's size, so a constant 0.1 keeps kicking the
     * network out of a narrow minimum; a decaying step settles into it. "cosine" (Loshchilov &amp;
     * Hutter 2017) reaches a lower loss by 1000 iterations but keeps lr near 0.1 long enough to
     * spike 35× at iteration 360 before recovering; "constant" keeps lr throughout. DiffEqFlux's
     * tutorials hand Adam's result to L-BFGS instead; see docs/SPIRAL.md.
     */
    public static LearningRate schedule(String name, double lr, int hold, double lrMin, int iterations) {
        return switch (name.toLowerCase()) {
            case "constant" -> LearningRate.constant(lr);
            case "cosine" -> {
                if (hold < 0) throw new IllegalArgumentException("--hold must be at least 0, got " + hold);
                if (!(lrMin > 0) || lrMin > lr) throw new IllegalArgumentException("--lr-min must be in (0, lr], got " + lrMin);
                LearningRate.constant(lr);   // validates lr
                LearningRate anneal = LearningRate.cosine(lr, lrMin, Math.max(1, iterations - hold));
                yield it -> it <= hold ? lr : anneal.at(it - hold);
            }
            case "exponential" -> {
                if (hold < 0) throw new IllegalArgumentException("--hold must be at least 0, got " + hold);
                if (!(lrMin > 0) || lrMin > lr) throw new IllegalArgumentException("--lr-min must be in (0, lr], got " + lrMin);
                LearningRate.constant(lr);
                double span = Math.max(1, iterations - hold);
                yield it -> it <= hold ? lr : lr * Math.pow(lrMin / lr, Math.min(1.0, (it - hold) / span));
            }
            default -> throw new IllegalArgumentException("unknown schedule '" + name + "' (cosine, exponential, constant)");
        };
    }

    private static String describe(String schedule, double lr, int hold, double lrMin, int iterations) {
        if (schedule.equalsIgnoreCase("constant") || iterations <= hold) return String.valueOf(lr);
        return lr + " for " + hold + " iterations, then " + schedule.toLowerCase() + " decay to " + lrMin;
    }

    private static String at(List<Double> losses, int i) {
        return i < losses.size() ? String.format("%.4g", losses.get(i)) : "-";
    }

    /** The data: the true spiral ODE solved tightly (checked against testdata/reference/spiral.json in the tests). */
    static Tensor trueSpiral(double[] ts) {
        Tensor a = Tensor.of(new double[][] {{-0.1, 2.0}, {-2.0, -0.1}});
        OdeProblem truth = new OdeProblem((u, p, t) -> u.pow(3.0).matmul(a), Tensor.of(2.0, 0.0), 0.0, 1.5);
        return truth.solve(new Vern9(), SolveOptions.defaults().saveat(ts).rtol(1e-12).atol(1e-12)).u();
    }

    static OdeAlgorithm solver(String name) {
        return switch (name.toLowerCase()) {
            case "tsit5" -> new Tsit5();
            case "dp5" -> new DP5();
            case "bs3" -> new BS3();
            case "vern7" -> new Vern7();
            case "vern9" -> new Vern9();
            default -> throw new IllegalArgumentException("unknown solver '" + name + "' (Tsit5, DP5, BS3, Vern7, Vern9)");
        };
    }

    public static SensitivityAlgorithm sensealg(String name) {
        return switch (name.toLowerCase()) {
            case "interpolating", "interpolatingadjoint" -> new InterpolatingAdjoint();
            case "interpolating-dense" -> InterpolatingAdjoint.dense();
            case "backsolve", "backsolveadjoint" -> new BacksolveAdjoint();
            case "quadrature", "quadratureadjoint" -> new QuadratureAdjoint();
            case "reverse", "reversetape" -> new ReverseTape();
            case "forward", "forwardduals" -> new ForwardDuals();
            default -> throw new IllegalArgumentException("unknown sensealg '" + name
                    + "' (interpolating, interpolating-dense, backsolve, quadrature, reverse, forward)");
        };
    }

    static double[][] rows(Tensor series) {
        int n = series.dim(0), m = series.size() / n;
        double[] d = series.toDoubleArray();
        double[][] r = new double[n][m];
        for (int i = 0; i < n; i++) System.arraycopy(d, i * m, r[i], 0, m);
        return r;
    }

    private static Path plot(Path file, double[] ts, double[][] data, double[][] pred, List<Double> losses, String label) {
        XYChart series = Plots.chart("Neural ODE spiral (" + label + ")", "t", "u");
        Plots.points(series, "data u1", ts, Plots.column(data, 0));
        Plots.points(series, "data u2", ts, Plots.column(data, 1));
        Plots.line(series, "prediction u1", ts, Plots.column(pred, 0));
        Plots.line(series, "prediction u2", ts, Plots.column(pred, 1));
        XYChart phase = Plots.chart("Phase plane", "u1", "u2");
        Plots.points(phase, "data", Plots.column(data, 0), Plots.column(data, 1));
        Plots.line(phase, "prediction", Plots.column(pred, 0), Plots.column(pred, 1));
        XYChart loss = Plots.chart("Training loss", "iteration", "log10 loss");
        double[] it = new double[losses.size()], lg = new double[losses.size()];
        for (int i = 0; i < it.length; i++) {
            it[i] = i;
            lg[i] = Math.log10(losses.get(i));
        }
        Plots.line(loss, "loss", it, lg);
        return Plots.save(file, List.of(series, phase, loss));
    }
}
