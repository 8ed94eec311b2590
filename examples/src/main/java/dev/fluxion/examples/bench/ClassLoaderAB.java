package dev.fluxion.examples.bench;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * An A/B of two builds in ONE JVM, for a loaded machine: {@link InterleavedTable}'s cases are
 * loaded twice, from an old and a new class path, each in a class loader of its own (so each
 * build's classes are compiled by the JIT on their own profiles), and run alternately, batch by
 * batch, timed by this thread's CPU time. Load that comes and goes then falls on both builds
 * alike, and the median of the per-round ratios new/old is the figure to read.
 *
 * <pre>
 * java -cp examples/target/benchmarks.jar dev.fluxion.examples.bench.ClassLoaderAB OLD_CP NEW_CP 0,1,2,3 [rounds]
 * </pre>
 * OLD_CP and NEW_CP are class paths (a benchmarks.jar of each commit, or a folder of recompiled
 * classes followed by a jar); the third argument lists InterleavedTable's case numbers (0–3: the LV
 * solve and gradient with their Hipparchus twins). {@code -Dwarm=S} sets the warm-up (20 s).
 */
public final class ClassLoaderAB {
    private ClassLoaderAB() {}

    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

    @SuppressWarnings("unchecked")
    static List<Supplier<Object>> load(String classPath, int[] cases) throws Exception {
        String[] parts = classPath.split(java.io.File.pathSeparator);
        URL[] urls = new URL[parts.length];
        for (int i = 0; i < parts.length; i++) urls[i] = Path.of(parts[i]).toUri().toURL();
        ClassLoader loader = new URLClassLoader(urls, ClassLoader.getPlatformClassLoader());
        Class<?> table = Class.forName("dev.fluxion.examples.bench.InterleavedTable", true, loader);   // by name: this class may run from another class path
        var casesMethod = table.getDeclaredMethod("cases");
        casesMethod.setAccessible(true);
        List<?> all = (List<?>) casesMethod.invoke(null);
        List<Supplier<Object>> out = new ArrayList<>();
        for (int i : cases) {
            Object c = all.get(i);
            var run = c.getClass().getDeclaredMethod("run");
            run.setAccessible(true);
            out.add((Supplier<Object>) run.invoke(c));
        }
        return out;
    }

    public static void main(String[] args) throws Exception {
        Locale.setDefault(Locale.ROOT);
        if (args.length < 3) throw new IllegalArgumentException("usage: ClassLoaderAB OLD_CP NEW_CP CASES [rounds]");
        int[] cases = Arrays.stream(args[2].split(",")).mapToInt(Integer::parseInt).toArray();
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 40;
        List<List<Supplier<Object>>> builds = List.of(load(args[0], cases), load(args[1], cases));
        int m = cases.length;
        int[] reps = new int[m];
        Arrays.fill(reps, 1);
        Object sink = null;
        // warm-up: both builds in turn, batches resized to about 10 ms of CPU
        long end = System.nanoTime() + Long.parseLong(System.getProperty("warm", "20")) * 1_000_000_000L;
        while (System.nanoTime() < end) {
            for (int i = 0; i < m; i++) {
                for (int b = 0; b < 2; b++) {
                    long t0 = THREADS.getCurrentThreadCpuTime();
                    for (int r = 0; r < reps[i]; r++) sink = builds.get(b).get(i).get();
                    long ns = THREADS.getCurrentThreadCpuTime() - t0;
                    if (b == 0) reps[i] = (int) Math.max(1, Math.min(1_000_000, reps[i] * 1e7 / Math.max(ns, 1)));
                }
            }
        }
        double[][][] us = new double[2][m][rounds];
        for (int k = 0; k < rounds; k++) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < 2; j++) {
                    int b = (k + j) % 2;   // which build goes first alternates by round
                    long t0 = THREADS.getCurrentThreadCpuTime();
                    for (int r = 0; r < reps[i]; r++) sink = builds.get(b).get(i).get();
                    us[b][i][k] = (THREADS.getCurrentThreadCpuTime() - t0) / 1e3 / reps[i];
                }
            }
        }
        if (sink == null) throw new IllegalStateException();
        for (int i = 0; i < m; i++) {
            double[] ratio = new double[rounds];
            for (int k = 0; k < rounds; k++) ratio[k] = us[1][i][k] / us[0][i][k];
            Arrays.sort(ratio);
            double[] a = us[0][i].clone(), b = us[1][i].clone();
            Arrays.sort(a);
            Arrays.sort(b);
            System.out.printf("case %d: old %.1f µs CPU (fastest %.1f), new %.1f (fastest %.1f), new/old median %.3f (quartiles %.3f – %.3f)%n",
                    cases[i], a[rounds / 2], a[0], b[rounds / 2], b[0], ratio[rounds / 2], ratio[rounds / 4], ratio[3 * rounds / 4]);
        }
        System.out.println("load " + new String(Files.readAllBytes(Path.of("/proc/loadavg"))).trim());
    }
}
