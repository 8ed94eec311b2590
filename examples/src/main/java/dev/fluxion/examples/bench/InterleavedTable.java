package dev.fluxion.examples.bench;

import dev.fluxion.autodiff.AD;
import dev.fluxion.autodiff.TensorFunction;
import dev.fluxion.diffeq.OdeProblem;
import dev.fluxion.diffeq.SolveOptions;
import dev.fluxion.diffeq.ode.Tsit5;
import dev.fluxion.diffeq.sensitivity.ForwardDuals;
import dev.fluxion.diffeq.sensitivity.InterpolatingAdjoint;
import dev.fluxion.diffeq.sensitivity.ReverseTape;
import dev.fluxion.diffeq.stiff.Rodas5P;
import dev.fluxion.examples.LorenzBacksolve;
import dev.fluxion.examples.LotkaVolterra;
import dev.fluxion.examples.Robertson;
import dev.fluxion.tensor.Tensor;
import org.hipparchus.ode.nonstiff.DormandPrince54Integrator;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Issue 15's interleaved one-JVM table: every case run in turn in ONE JVM, as a user's script that
 * solves several problems would, against the same case run alone in a fresh JVM with the same
 * harness (isolated). In a JVM that has run many problems, a call site in the generic stepper
 * or integrator may have seen several right-hand sides, state plans or steppers and be compiled
 * megamorphic; the table shows what that costs each case.
 *
 * <p>Harness: each sample times a batch of calls sized to about 10 ms of this thread's CPU time
 * ({@code ThreadMXBean.getCurrentThreadCpuTime}: on a shared machine the time spent waiting for
 * a core is not counted; garbage collection in other threads is not counted either); warm-up
 * rounds until every case has had 2 s and at least 30 s of wall time have passed (the JIT's compiler
 * threads need their share of a loaded machine), then 30 measured rounds (the cases in turn, one sample each
 * per round); the median per call and the spread (fastest, slowest sample). {@code --only I} runs
 * case I alone; {@code --small} runs the first four (the LV solve and gradient with their
 * Hipparchus twins) in turn and prints the two ratios.
 *
 * <p>{@code java -cp examples/target/benchmarks.jar dev.fluxion.examples.bench.InterleavedTable}
 * runs each case isolated in a fresh JVM, then all interleaved in this one, and prints the table.
 */
public final class InterleavedTable {
    private InterleavedTable() {}

    record Case(String name, Supplier<Object> run) {}

    static List<Case> cases() {
        OdeProblem lv = LotkaVolterra.problem();
        SolveOptions lvOptions = SolveOptions.defaults().saveat(0.1).rtol(1e-6).atol(1e-6);
        OdeProblem lorenz = new OdeProblem(LorenzBacksolve.F, Tensor.of(1.0, 0.0, 0.0), 0.0, 100.0, Tensor.of(10.0, 28.0, 8.0 / 3.0));
        SolveOptions lorenzOptions = SolveOptions.defaults().saveEverystep(false).rtol(1e-6).atol(1e-6);
        Tensor p = Tensor.of(2.2, 1.0, 2.0, 0.4);
        SolveOptions lvGrad = lvOptions.sensealg(new ForwardDuals());
        TensorFunction lvLoss = q -> lv.remake(q).solve(new Tsit5(), lvGrad).u().minus(1.0).square().sum();
        GradientBench.Spiral s = GradientBench.Spiral.create(0);
        Tensor theta = s.flat.flatten();
        OdeProblem spiral = new OdeProblem(s.f, Tensor.of(2.0, 0.0), 0.0, 1.5, theta);
        SolveOptions spiralAdj = GradientBench.Spiral.options().sensealg(new InterpolatingAdjoint());
        SolveOptions spiralTape = GradientBench.Spiral.options().sensealg(new ReverseTape());
        TensorFunction spiralAdjLoss = q -> spiral.remake(q).solve(new Tsit5(), spiralAdj).u().minus(s.data).square().sum();
        TensorFunction spiralTapeLoss = q -> spiral.remake(q).solve(new Tsit5(), spiralTape).u().minus(s.data).square().sum();
        OdeProblem rober = Robertson.problem(1e5);
        SolveOptions roberOptions = SolveOptions.defaults().rtol(1e-6).atol(1e-10).saveEverystep(false);
        return List.of(
                new Case("LV solve, Tsit5, 1e-6, saveat 0.1", () -> lv.solve(new Tsit5(), lvOptions)),
                new Case("LV solve, Hipparchus DP54, 1e-6", () -> OdeSolveBench.Hipparchus.lotkaVolterra(new DormandPrince54Integrator(1e-12, 10, 1e-6, 1e-6))),
                new Case("LV gradient, ForwardDuals", () -> AD.gradient(lvLoss, p)),
                new Case("LV gradient, Hipparchus variational", () -> GradientBench.HipparchusLotkaVolterra.gradient(1e-6)),
                new Case("Lorenz [0, 100], Tsit5, 1e-6", () -> lorenz.solve(new Tsit5(), lorenzOptions)),
                new Case("Lorenz [0, 100], Hipparchus DP54, 1e-6", () -> OdeSolveBench.Hipparchus.lorenz(new DormandPrince54Integrator(1e-12, 100, 1e-6, 1e-6))),
                new Case("Spiral gradient, InterpolatingAdjoint", () -> AD.gradient(spiralAdjLoss, theta)),
                new Case("Spiral gradient, ReverseTape", () -> AD.gradient(spiralTapeLoss, theta)),
                new Case("ROBER [0, 1e5], Rodas5P, 1e-6/1e-10", () -> rober.solve(new Rodas5P(), roberOptions)));
    }

    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

    /** This thread's CPU time in ns. */
    static long cpu() { return THREADS.getCurrentThreadCpuTime(); }

    /** Median µs per call, fastest and slowest sample, of each case run in turn in this JVM. */
    static double[][] measure(List<Case> cs) {
        int m = cs.size();
        int[] reps = new int[m];
        Arrays.fill(reps, 1);
        double[] warmed = new double[m];
        Object sink = null;
        // warm-up: rounds until every case has run 2 s of CPU and 30 s of wall time have passed (on a
        // loaded machine the JIT's compiler threads get their share of the cores by wall time),
        // resizing each batch to about 10 ms
        long wallEnd = System.nanoTime() + 30_000_000_000L;
        boolean warm = false;
        while (!warm) {
            warm = System.nanoTime() >= wallEnd;
            for (int i = 0; i < m; i++) {
                long t0 = cpu();
                for (int r = 0; r < reps[i]; r++) sink = cs.get(i).run().get();
                double ns = cpu() - t0;
                warmed[i] += ns / 1e9;
                reps[i] = (int) Math.max(1, Math.min(1_000_000, reps[i] * 1e7 / Math.max(ns, 1)));
                if (warmed[i] < 2.0) warm = false;
            }
        }
        int rounds = 30;
        double[][] us = new double[m][rounds];
        for (int k = 0; k < rounds; k++) {
            for (int i = 0; i < m; i++) {
                long t0 = cpu();
                for (int r = 0; r < reps[i]; r++) sink = cs.get(i).run().get();
                us[i][k] = (cpu() - t0) / 1e3 / reps[i];
            }
        }
        if (sink == null) throw new IllegalStateException();
        double[][] out = new double[m][];
        for (int i = 0; i < m; i++) {
            Arrays.sort(us[i]);
            out[i] = new double[] {us[i][rounds / 2], us[i][0], us[i][rounds - 1]};
        }
        return out;
    }

    public static void main(String[] args) throws Exception {
        Locale.setDefault(Locale.ROOT);
        List<Case> cs = cases();
        if (args.length == 2 && args[0].equals("--only")) {
            double[] r = measure(List.of(cs.get(Integer.parseInt(args[1]))))[0];
            System.out.printf("%f %f %f%n", r[0], r[1], r[2]);
            return;
        }
        if (args.length == 1 && args[0].equals("--small")) {
            // issue 15 point 4's two pairs alone, in one JVM, by the same harness: the quick check of
            // Fluxion / Hipparchus (run the jars of two commits alternately for an A/B)
            System.out.println("load before: " + AdjointCounts.loadavg());
            double[][] r = measure(cs.subList(0, 4));
            System.out.println("load after: " + AdjointCounts.loadavg());
            for (int i = 0; i < 4; i++) System.out.printf("%s: %s µs CPU (%s – %s)%n", cs.get(i).name(), fmt(r[i][0]), fmt(r[i][1]), fmt(r[i][2]));
            System.out.printf("Fluxion / Hipparchus: LV solve %.2f, LV gradient %.2f%n", r[0][0] / r[1][0], r[2][0] / r[3][0]);
            return;
        }
        System.out.println("load before: " + AdjointCounts.loadavg());
        double[][] isolated = new double[cs.size()][];
        String java = ProcessHandle.current().info().command().orElse("java");
        for (int i = 0; i < cs.size(); i++) {
            Process proc = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), InterleavedTable.class.getName(), "--only", "" + i)
                    .redirectErrorStream(true).start();
            String last = null;
            try (BufferedReader in = new BufferedReader(new InputStreamReader(proc.getInputStream()))) {
                for (String line; (line = in.readLine()) != null; ) last = line;
            }
            if (proc.waitFor() != 0 || last == null) throw new IllegalStateException("isolated run of case " + i + " failed: " + last);
            isolated[i] = Arrays.stream(last.trim().split(" ")).mapToDouble(Double::parseDouble).toArray();
        }
        double[][] together = measure(cs);
        System.out.println("load after: " + AdjointCounts.loadavg());
        System.out.println();
        System.out.println("| case | isolated µs CPU (fastest – slowest) | interleaved µs CPU (fastest – slowest) | interleaved / isolated |");
        System.out.println("| --- | ---: | ---: | ---: |");
        for (int i = 0; i < cs.size(); i++) {
            System.out.printf("| %s | %s (%s – %s) | %s (%s – %s) | %.2f |%n", cs.get(i).name(),
                    fmt(isolated[i][0]), fmt(isolated[i][1]), fmt(isolated[i][2]),
                    fmt(together[i][0]), fmt(together[i][1]), fmt(together[i][2]), together[i][0] / isolated[i][0]);
        }
        System.out.println();
        System.out.printf("Fluxion / Hipparchus, interleaved: LV solve %.2f, LV gradient %.2f, Lorenz %.2f; isolated: %.2f, %.2f, %.2f%n",
                together[0][0] / together[1][0], together[2][0] / together[3][0], together[4][0] / together[5][0],
                isolated[0][0] / isolated[1][0], isolated[2][0] / isolated[3][0], isolated[4][0] / isolated[5][0]);
    }

    static String fmt(double us) {
        return us >= 100 ? String.format("%,.0f", us) : String.format("%.1f", us);
    }
}
