package dev.fluxion.examples.bench;

import dev.fluxion.autodiff.AD;
import dev.fluxion.diffeq.SolveOptions;
import dev.fluxion.diffeq.sde.BrownianTree;
import dev.fluxion.diffeq.sde.SOSRI;
import dev.fluxion.diffeq.sde.SdeProblem;
import dev.fluxion.diffeq.sensitivity.BacksolveAdjoint;
import dev.fluxion.diffeq.sensitivity.ForwardDuals;
import dev.fluxion.diffeq.sensitivity.ReverseTape;
import dev.fluxion.examples.StochasticLotkaVolterra;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * An A/B of two builds in ONE JVM on {@link SdeBench}'s adaptive SOSRI cases (issue 13), as
 * {@link ClassLoaderAB} does for the ODE cases: each build's classes in a class loader of their
 * own, calls alternated round by round, timed by this thread's CPU time; the median of the
 * per-round ratios new/old is the figure to read on a loaded machine.
 *
 * <pre>
 * java -cp examples/target/benchmarks.jar dev.fluxion.examples.bench.SdeAB OLD_CP NEW_CP 0,1,2 [rounds]
 * </pre>
 * Cases: 0 the SOSRI forward solve, 1 its ForwardDuals gradient, 2 the Brownian tree alone
 * (6,700 sequential increments of two channels over [0, 10]), 3 the ReverseTape gradient (the SRK
 * discrete adjoint, whose forward pass is the same solve), 4 the BacksolveAdjoint gradient. For an old build that predates this
 * class, put a folder holding this class first on OLD_CP. {@code -Dwarm=S} sets the warm-up (10 s).
 */
public final class SdeAB {
    private SdeAB() {}

    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

    /** The cases, each a fresh path per call (seed k). */
    static List<Supplier<Object>> cases() {
        SdeProblem prob = StochasticLotkaVolterra.problem();
        SolveOptions o = SolveOptions.defaults().saveat(0.1);
        SolveOptions od = o.sensealg(new ForwardDuals());
        long[] seed = {1};
        List<Supplier<Object>> out = new ArrayList<>();
        out.add(() -> prob.solve(new SOSRI(), o.seed(seed[0]++)).u());
        out.add(() -> AD.gradient(q -> prob.remake(q).solve(new SOSRI(), od.seed(seed[0]++)).u().minus(1.0).square().sum(), prob.p()));
        SolveOptions ot = o.sensealg(new ReverseTape());
        out.add(() -> {
            BrownianTree tree = new BrownianTree(seed[0]++, 0.0, 10.0, 2);
            double[] dw = new double[2], lv = new double[2];
            double s = 0.0, acc = 0.0;
            for (int k = 0; k < 6700; k++) {
                double t = 10.0 * (k + 1) / 6700;
                tree.increment(s, t, dw, lv);
                acc += dw[0] + lv[1];
                s = t;
            }
            return acc;
        });
        out.add(() -> AD.gradient(q -> prob.remake(q).solve(new SOSRI(), ot.seed(seed[0]++)).u().minus(1.0).square().sum(), prob.p()));
        SolveOptions ob = o.sensealg(new BacksolveAdjoint());
        out.add(() -> AD.gradient(q -> prob.remake(q).solve(new SOSRI(), ob.seed(seed[0]++)).u().minus(1.0).square().sum(), prob.p()));
        return out;
    }

    @SuppressWarnings("unchecked")
    static List<Supplier<Object>> load(String classPath, int[] cases) throws Exception {
        String[] parts = classPath.split(java.io.File.pathSeparator);
        java.net.URL[] urls = new java.net.URL[parts.length];
        for (int i = 0; i < parts.length; i++) urls[i] = Path.of(parts[i]).toUri().toURL();
        ClassLoader loader = new java.net.URLClassLoader(urls, ClassLoader.getPlatformClassLoader());
        Class<?> c = Class.forName("dev.fluxion.examples.bench.SdeAB", true, loader);
        var m = c.getDeclaredMethod("cases");
        m.setAccessible(true);
        List<Supplier<Object>> all = (List<Supplier<Object>>) m.invoke(null);
        List<Supplier<Object>> out = new ArrayList<>();
        for (int i : cases) out.add(all.get(i));
        return out;
    }

    public static void main(String[] args) throws Exception {
        Locale.setDefault(Locale.ROOT);
        if (args.length < 3) throw new IllegalArgumentException("usage: SdeAB OLD_CP NEW_CP CASES [rounds]");
        int[] cases = Arrays.stream(args[2].split(",")).mapToInt(Integer::parseInt).toArray();
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 40;
        List<List<Supplier<Object>>> builds = List.of(load(args[0], cases), load(args[1], cases));
        int m = cases.length;
        Object sink = null;
        long end = System.nanoTime() + Long.parseLong(System.getProperty("warm", "10")) * 1_000_000_000L;
        while (System.nanoTime() < end) {
            for (int i = 0; i < m; i++) for (int b = 0; b < 2; b++) sink = builds.get(b).get(i).get();
        }
        int reps = Integer.getInteger("reps", 3);
        double[][][] ms = new double[2][m][rounds];
        for (int k = 0; k < rounds; k++) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < 2; j++) {
                    int b = (k + j) % 2;
                    long t0 = THREADS.getCurrentThreadCpuTime();
                    for (int r = 0; r < reps; r++) sink = builds.get(b).get(i).get();
                    ms[b][i][k] = (THREADS.getCurrentThreadCpuTime() - t0) / 1e6 / reps;
                }
            }
        }
        if (sink == null) throw new IllegalStateException();
        for (int i = 0; i < m; i++) {
            double[] ratio = new double[rounds];
            for (int k = 0; k < rounds; k++) ratio[k] = ms[0][i][k] / ms[1][i][k];
            Arrays.sort(ratio);
            double[] a = ms[0][i].clone(), b = ms[1][i].clone();
            Arrays.sort(a);
            Arrays.sort(b);
            System.out.printf("case %d: old %.2f ms CPU (fastest %.2f), new %.2f (fastest %.2f), old/new median %.3f (quartiles %.3f – %.3f)%n",
                    cases[i], a[rounds / 2], a[0], b[rounds / 2], b[0], ratio[rounds / 2], ratio[rounds / 4], ratio[3 * rounds / 4]);
        }
        System.out.println("load " + new String(Files.readAllBytes(Path.of("/proc/loadavg"))).trim());
    }
}
