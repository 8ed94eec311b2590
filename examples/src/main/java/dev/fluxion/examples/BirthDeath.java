package dev.fluxion.examples;

import dev.fluxion.diffeq.OdeSolution;
import dev.fluxion.diffeq.SolveOptions;
import dev.fluxion.diffeq.jump.ConstantRateJump;
import dev.fluxion.diffeq.jump.JumpProblem;
import dev.fluxion.diffeq.ode.Tsit5;
import dev.fluxion.tensor.Tensor;
import org.knowm.xchart.XYChart;

import java.nio.file.Path;
import java.util.List;

/**
 * A birth–death process (births at rate λ, deaths at rate μ·n; the M/M/∞ queue) as a pure
 * JumpProblem with two ConstantRateJumps, simulated by Gillespie's direct method. Started empty,
 * n(T) is Poisson with mean λ/μ·(1 − e^(−μT)) exactly; the example samples many seeded paths,
 * compares the histogram of n(T) with that Poisson law, and plots one path and the histogram.
 */
public final class BirthDeath {
    private BirthDeath() {}

    public static final double LAMBDA = 10.0, MU = 1.0, T = 8.0;

    public static JumpProblem problem() {
        ConstantRateJump birth = new ConstantRateJump((u, p, t) -> p.get(0), (u, p, t) -> u.plus(1.0));
        ConstantRateJump death = new ConstantRateJump((u, p, t) -> p.get(1).times(u.get(0)), (u, p, t) -> u.minus(1.0));
        return JumpProblem.pure(Tensor.of(0.0), 0.0, T, Tensor.of(LAMBDA, MU), birth, death);
    }

    /** The exact mean (= variance) of n(T). */
    public static double exactMean() { return LAMBDA / MU * (1 - Math.exp(-MU * T)); }

    /** n(T) for seeds 0..paths−1. */
    public static int[] sample(int paths) {
        JumpProblem prob = problem();
        SolveOptions o = SolveOptions.defaults().saveat(T).saveStart(false);
        int[] n = new int[paths];
        for (int i = 0; i < paths; i++) n[i] = (int) Math.round(prob.solve(new Tsit5(), o.seed(i)).last().item());
        return n;
    }

    static double poisson(double m, int k) {
        double logp = -m + k * Math.log(m);
        for (int i = 2; i <= k; i++) logp -= Math.log(i);
        return Math.exp(logp);
    }

    public static void main(String[] argv) {
        Args a = new Args(argv);
        Path out = Path.of(a.get("output", "birth-death.png"));
        int paths = a.getInt("paths", 1000);
        long start = System.nanoTime();
        int[] n = sample(paths);
        double s = 0, s2 = 0;
        int max = 0;
        for (int x : n) {
            s += x;
            s2 += (double) x * x;
            max = Math.max(max, x);
        }
        double mean = s / paths, var = (s2 - paths * mean * mean) / (paths - 1), m = exactMean();
        System.out.printf("Birth–death (λ = %.1f, μ = %.1f), %d paths to T = %.1f by Gillespie's direct method (%.1f s):%n", LAMBDA, MU, paths, T,
                (System.nanoTime() - start) / 1e9);
        System.out.printf("  n(T): mean %.3f ± %.3f, variance %.3f ± %.3f; exact Poisson: mean = variance = %.3f%n", mean,
                Math.sqrt(m / paths), var, m * Math.sqrt(2.0 / (paths - 1) + 1 / (m * paths)), m);

        int kmax = Math.max(max, (int) (m + 5 * Math.sqrt(m)));
        double[] ks = new double[kmax + 1], freq = new double[kmax + 1], pmf = new double[kmax + 1];
        for (int x : n) freq[x] += 1.0 / paths;
        for (int k = 0; k <= kmax; k++) {
            ks[k] = k;
            pmf[k] = poisson(m, k);
        }
        XYChart h = Plots.chart("n(T) over " + paths + " paths", "n", "probability");
        Plots.points(h, "sampled", ks, freq);
        Plots.line(h, "Poisson(" + String.format("%.2f", m) + ")", ks, pmf);
        OdeSolution path = problem().solve(new Tsit5(), SolveOptions.defaults().seed(1));
        double[] counts = new double[path.size()];
        for (int i = 0; i < counts.length; i++) counts[i] = path.u(i).item();
        XYChart p = Plots.chart("One path (seed 1)", "t", "n");
        Plots.line(p, "n(t)", path.t(), counts);
        System.out.println("plot written to " + Plots.save(out, List.of(p, h)).toAbsolutePath());
    }
}
