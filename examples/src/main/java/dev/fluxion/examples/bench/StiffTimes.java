package dev.fluxion.examples.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fluxion.diffeq.OdeAlgorithm;
import dev.fluxion.diffeq.OdeProblem;
import dev.fluxion.diffeq.OdeSolution;
import dev.fluxion.diffeq.SolveOptions;
import dev.fluxion.diffeq.SolverStats;
import dev.fluxion.examples.ReferenceData;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Issue 11's speed point as a warmed-up harness: Robertson on [0, 1e5] ({@link RobertsonCases}),
 * every method at every tolerance pair, with the work counts beside the times. Each case is first
 * run untimed for a while (the JIT compiles the solver and the right-hand side's programs); then
 * rounds of back-to-back solves (about 0.1 s per case) are timed, the cases interleaved round by
 * round so that a burst of load on a shared machine hits them all alike. Reported per case: the
 * median solve over rounds (wall clock and this thread's CPU time), the spread (slowest / fastest
 * round, wall), and from one solve the accepted and rejected steps, f evaluations (the Jacobian's
 * forward-lane passes included, one each), Jacobians, linear solves, and the largest error at
 * t = 1e5 relative to testdata/reference/rober.json (SciPy Radau at 1e-12).
 *
 * <pre>
 * java -cp examples/target/benchmarks.jar dev.fluxion.examples.bench.StiffTimes                  # the default methods
 * java -cp examples/target/benchmarks.jar dev.fluxion.examples.bench.StiffTimes Rodas5P KenCarp4 # named ones
 *   options: --rounds R (default 15), --warmup S seconds per case (default 2), --round-ms M (default 100)
 * </pre>
 */
public final class StiffTimes {
    private StiffTimes() {}

    record Case(String method, String tol, OdeAlgorithm alg, SolveOptions options) {}

    public static void main(String[] args) {
        List<String> methods = new ArrayList<>();
        int rounds = 15;
        double warmup = 2, roundMs = 100;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Double.parseDouble(args[++i]);
                case "--round-ms" -> roundMs = Double.parseDouble(args[++i]);
                default -> methods.add(args[i]);
            }
        }
        if (methods.isEmpty()) methods.addAll(RobertsonCases.METHODS);
        OdeProblem prob = RobertsonCases.problem();
        double[] ref = reference();
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();

        List<Case> cases = new ArrayList<>();
        for (String tol : RobertsonCases.TOLERANCES) {
            for (String m : methods) cases.add(new Case(m, tol, RobertsonCases.algorithm(m), RobertsonCases.options(tol)));
        }
        double[] load0 = load();
        int[] perRound = new int[cases.size()];
        for (int c = 0; c < cases.size(); c++) {
            Case k = cases.get(c);
            long end = System.nanoTime() + (long) (warmup * 1e9);
            int n = 0;
            long t0 = System.nanoTime();
            while (System.nanoTime() < end) {
                prob.solve(k.alg, k.options);
                n++;
            }
            double perSolve = (System.nanoTime() - t0) / (double) n;
            perRound[c] = Math.max(1, (int) (roundMs * 1e6 / perSolve));
        }
        double[][] wall = new double[cases.size()][rounds], cpu = new double[cases.size()][rounds];
        for (int r = 0; r < rounds; r++) {
            for (int c = 0; c < cases.size(); c++) {
                Case k = cases.get(c);
                int n = perRound[c];
                long c0 = mx.getCurrentThreadCpuTime(), w0 = System.nanoTime();
                for (int i = 0; i < n; i++) prob.solve(k.alg, k.options);
                wall[c][r] = (System.nanoTime() - w0) / 1e3 / n;
                cpu[c][r] = (mx.getCurrentThreadCpuTime() - c0) / 1e3 / n;
            }
        }
        double[] load1 = load();

        System.out.printf("Robertson [0, 1e5], final value; %d rounds of ~%.0f ms per case after %.1f s warm-up each; %s%n", rounds, roundMs,
                warmup, System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        System.out.printf("load (1/5/15 min) before %.2f %.2f %.2f, after %.2f %.2f %.2f%n%n", load0[0], load0[1], load0[2], load1[0], load1[1],
                load1[2]);
        System.out.println("| method | rtol / atol | median µs (wall) | median µs (CPU) | spread (max/min) | steps (rejected) | f evals | J evals | linear solves | max rel. error at 1e5 |");
        System.out.println("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        for (int c = 0; c < cases.size(); c++) {
            Case k = cases.get(c);
            OdeSolution s = prob.solve(k.alg, k.options);
            SolverStats st = s.stats();
            double[] u = s.u(-1).toDoubleArray();
            double err = 0;
            for (int i = 0; i < 3; i++) err = Math.max(err, Math.abs(u[i] - ref[i]) / Math.abs(ref[i]));
            double[] w = wall[c].clone(), p = cpu[c].clone();
            Arrays.sort(w);
            Arrays.sort(p);
            System.out.printf("| Fluxion %s | %s | %s | %s | %.2f | %d (%d) | %d | %d | %d | %.1e |%n", k.method, k.tol.replace("/", " / "),
                    fmt(w[w.length / 2]), fmt(p[p.length / 2]), w[w.length - 1] / w[0], st.acceptedSteps(), st.rejectedSteps(),
                    st.functionEvaluations(), st.jacobianEvaluations(), st.linearSolves(), err);
        }
    }

    private static String fmt(double us) {
        return us >= 100 ? String.format("%.0f", us) : String.format("%.1f", us);
    }

    /** u(1e5) of testdata/reference/rober.json. */
    static double[] reference() {
        JsonNode r = ReferenceData.load("rober.json");
        JsonNode t = r.get("t"), u = r.get("u");
        for (int i = 0; i < t.size(); i++) {
            if (t.get(i).asDouble() == RobertsonCases.T1) {
                double[] out = new double[3];
                for (int j = 0; j < 3; j++) out[j] = u.get(i).get(j).asDouble();
                return out;
            }
        }
        throw new IllegalStateException("rober.json has no state at t = 1e5");
    }

    /** The 1, 5 and 15 minute load averages (/proc/loadavg; NaN where it cannot be read). */
    private static double[] load() {
        try {
            String[] f = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ");
            return new double[] {Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2])};
        } catch (java.io.IOException | RuntimeException e) {
            return new double[] {ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), Double.NaN, Double.NaN};
        }
    }
}
