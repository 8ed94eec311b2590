package dev.fluxion.examples;

import dev.fluxion.diffeq.OdeSolution;
import dev.fluxion.diffeq.SensitivityAlgorithm;
import dev.fluxion.diffeq.SolveOptions;
import dev.fluxion.diffeq.ensemble.EnsembleAlgorithm;
import dev.fluxion.diffeq.ensemble.EnsembleProblem;
import dev.fluxion.diffeq.ensemble.EnsembleSerial;
import dev.fluxion.diffeq.ensemble.EnsembleSummary;
import dev.fluxion.diffeq.ensemble.EnsembleThreads;
import dev.fluxion.diffeq.ensemble.OutputFunction;
import dev.fluxion.diffeq.ensemble.ProblemFunction;
import dev.fluxion.diffeq.ensemble.TrajectorySolver;
import dev.fluxion.diffeq.sde.SOSRI;
import dev.fluxion.diffeq.sde.SdeProblem;
import dev.fluxion.diffeq.sensitivity.ReverseTape;
import dev.fluxion.nn.Activation;
import dev.fluxion.nn.Chain;
import dev.fluxion.nn.Dense;
import dev.fluxion.nn.Layer;
import dev.fluxion.nn.NeuralDSDE;
import dev.fluxion.optim.Adam;
import dev.fluxion.optim.Progress;
import dev.fluxion.optim.Trainer;
import dev.fluxion.optim.TrainingResult;
import dev.fluxion.tensor.Tensor;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * The seed's neural SDE (DiffEqFlux's "Neural Stochastic Differential Equations" tutorial): the
 * true system is the cubic spiral du = ((u³)ᵀ A)ᵀ dt + 0.2·u ⊙ dW with A = [[−0.1, 2], [−2, −0.1]],
 * u0 = [2, 0] on [0, 1], 30 saved times; the data are the mean and variance of 100 trajectories of it
 * ({@link EnsembleSummary}). The model is a {@link NeuralDSDE}: a drift network Chain(u ↦ u³,
 * Dense(2, 50, tanh), Dense(50, 2)) and a diffusion network Chain(Dense(2, 2)), solved by SOSRI at
 * rtol = atol = 0.1 as in the tutorial. The loss compares the model ensemble's mean and variance with
 * the data's, Σ (mean − data mean)² + Σ (var − data var)², over 30 paths by default (the tutorial
 * trains with 10, then 100; {@code --paths}) solved in parallel
 * ({@link EnsembleThreads}) with fresh seeds each iteration, differentiated pathwise (ReverseTape per
 * trajectory, on each worker's own tape). Adam(0.025). Writes neural-sde.png: the data's and the
 * trained model's means with their 5–95 % bands.
 */
public final class NeuralSdeSpiral {
    private NeuralSdeSpiral() {}

    /** Aᵀ, so that the drift ((u³)ᵀ A)ᵀ is Aᵀ u³. */
    static final Tensor A_T = Tensor.of(new double[][] {{-0.1, 2.0}, {-2.0, -0.1}}).transpose();
    static final Tensor U0 = Tensor.of(2.0, 0.0);

    /** The true SDE of the tutorial. */
    static SdeProblem truth() {
        return new SdeProblem((u, p, t) -> A_T.matmul(u.pow(3)), (u, p, t) -> u.times(0.2), U0, 0.0, 1.0);
    }

    static double[] times() { return Tensor.linspace(0.0, 1.0, 30).toDoubleArray(); }

    /** Mean and variance over paths of the problem q (each trajectory's saved series an output). */
    static EnsembleSummary summary(SdeProblem q, SolveOptions o, long seed, int paths, EnsembleAlgorithm alg) {
        EnsembleProblem<SdeProblem, OdeSolution, Tensor, List<Tensor>> e = EnsembleProblem.of(q, ProblemFunction.identity(),
                (OutputFunction<OdeSolution, Tensor>) (sol, i) -> sol.u());
        TrajectorySolver<SdeProblem, OdeSolution> solver = (pr, s) -> pr.solve(new SOSRI(), o.seed(s));
        return EnsembleSummary.ofSeries(times(), e.withSeed(seed).solve(solver, alg, paths).u());
    }

    public record Result(double initialLoss, double finalLoss, int iterations, double seconds, EnsembleSummary data, EnsembleSummary model) {}

    /** Trains the model; the loss before and after is measured on the same fixed seed. */
    public static Result train(int iterations, int paths, double lr, SensitivityAlgorithm sense, EnsembleAlgorithm alg, boolean quiet) {
        double[] ts = times();
        SolveOptions dataOptions = SolveOptions.defaults().saveat(ts).rtol(1e-2).atol(1e-2);
        EnsembleSummary data = summary(truth(), dataOptions, 1, 100, alg);
        Tensor dataMean = data.mean(), dataVar = data.variance();

        Random init = new Random(0);
        Layer drift = Chain.of(Layer.of(x -> x.pow(3)), new Dense(2, 50, Activation.TANH, init), new Dense(50, 2, Activation.IDENTITY, init));
        Layer diffusion = Chain.of(new Dense(2, 2, Activation.IDENTITY, init));
        SolveOptions modelOptions = SolveOptions.defaults().saveat(ts).rtol(1e-1).atol(1e-1).sensealg(sense);
        NeuralDSDE model = new NeuralDSDE(drift, diffusion, 0.0, 1.0, new SOSRI(), modelOptions);

        java.util.function.LongFunction<Tensor> loss = seed -> {
            EnsembleSummary s = summary(model.problem(U0), modelOptions, seed, paths, alg);
            return s.mean().minus(dataMean).square().sum().plus(s.variance().minus(dataVar).square().sum());
        };
        double l0 = loss.apply(0).item();
        long[] seed = {1000};
        long start = System.nanoTime();
        TrainingResult r = Trainer.train(() -> loss.apply(seed[0]++), model.parameters(), new Adam(lr), iterations, (it, l, ps) -> {
            if (!quiet && (it == 1 || it % 10 == 0 || it == iterations)) System.out.printf("  iteration %3d  loss %9.4f%n", it, l);
            return false;
        }, Progress.NEVER);
        double secs = (System.nanoTime() - start) / 1e9;
        double l1 = loss.apply(0).item();
        EnsembleSummary fitted = summary(model.problem(U0), modelOptions, 0, 100, alg);
        return new Result(l0, l1, r.iterations(), secs, data, fitted);
    }

    public static void main(String[] argv) {
        Args a = new Args(argv);
        if (a.has("help")) {
            System.out.println("neural-sde [--iterations 100] [--paths 30] [--lr 0.025] [--serial] [--output neural-sde.png]");
            return;
        }
        int iterations = a.getInt("iterations", 100);
        int paths = a.getInt("paths", 30);
        double lr = a.getDouble("lr", 0.025);
        EnsembleAlgorithm alg = a.has("serial") ? EnsembleSerial.INSTANCE : new EnsembleThreads();
        Path out = Path.of(a.get("output", "neural-sde.png"));
        System.out.printf("Neural SDE spiral: data = mean and variance of 100 paths of the true SDE; model ensemble of %d paths per loss, "
                + "%s, SOSRI, ReverseTape per path, Adam(%s), %d iterations%n", paths, alg, lr, iterations);
        Result r = train(iterations, paths, lr, new ReverseTape(), alg, false);
        System.out.printf("loss on seed 0: %.4f -> %.4f in %d iterations (%.1f s, %.0f ms/iteration)%n",
                r.initialLoss(), r.finalLoss(), r.iterations(), r.seconds(), 1e3 * r.seconds() / Math.max(1, r.iterations()));
        XYChart u1 = Plots.chart("u1: data vs neural SDE (mean, 5-95 % band)", "t", "u1");
        XYChart u2 = Plots.chart("u2: data vs neural SDE (mean, 5-95 % band)", "t", "u2");
        for (int j = 0; j < 2; j++) {
            XYChart c = j == 0 ? u1 : u2;
            band(c, "data band", r.data(), j, new Color(31, 119, 180, 60));
            band(c, "model band", r.model(), j, new Color(255, 127, 14, 60));
            Plots.line(c, "data mean", r.data().t(), column(r.data().mean(), j));
            Plots.line(c, "model mean", r.model().t(), column(r.model().mean(), j));
        }
        System.out.println("wrote " + Plots.save(out, List.of(u1, u2)));
    }

    static double[] column(Tensor series, int j) {
        return series.slice(1, j, j + 1).flatten().toDoubleArray();
    }

    /** The summary's quantile band of component j as a filled polygon (upper edge forwards, lower edge back). */
    static void band(XYChart c, String name, EnsembleSummary s, int j, Color color) {
        double[] t = s.t(), lo = column(s.qlow(), j), hi = column(s.qhigh(), j);
        int n = t.length;
        double[] x = new double[2 * n], y = new double[2 * n];
        for (int k = 0; k < n; k++) {
            x[k] = t[k];
            y[k] = hi[k];
            x[2 * n - 1 - k] = t[k];
            y[2 * n - 1 - k] = lo[k];
        }
        XYSeries series = c.addSeries(name, x, y);
        series.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.PolygonArea);
        series.setMarker(SeriesMarkers.NONE);
        series.setFillColor(color);
        series.setLineColor(color);
    }
}
