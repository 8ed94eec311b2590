package dev.fluxion.examples.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;

/**
 * A warm-up that lasts until the JIT has finished, not a fixed time. A gradient of issue 15's batched
 * neural ODE calls its per-gradient code (the adjoint's driver, the save schedule, the integrator's
 * loop) a few hundred times a second, so that code reaches C2's thresholds only after several
 * seconds: at B = 256 the C2 thread still compiled 0.2–0.7 s in every half second of gradients
 * until about 8–9 s (CompilationMXBean, 2026-12-02), holding one of the machine's two cores while
 * the row split's two threads wanted both; medians taken after a fixed 2 s warm-up were 2.1–3.0 ms,
 * those after the JIT went quiet 1.5–1.6 ms in the same JVM. So: run the case in windows of about
 * half a second until two windows in a row add less than {@link #QUIET_MS} of compilation time,
 * after at least minSeconds and at most maxSeconds.
 */
final class JitWarmup {
    private JitWarmup() {}

    /** Compilation time per window (ms) below which the JIT counts as quiet. */
    static final long QUIET_MS = 20;

    /** Runs r until the JIT is quiet (see above); returns the seconds spent. */
    static double run(Runnable r, double minSeconds, double maxSeconds) {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        boolean monitored = jit != null && jit.isCompilationTimeMonitoringSupported();
        long start = System.nanoTime(), min = (long) (minSeconds * 1e9), max = (long) (maxSeconds * 1e9);
        int quiet = 0;
        while (true) {
            long w0 = System.nanoTime(), c0 = monitored ? jit.getTotalCompilationTime() : 0;
            int n = 0;
            while (System.nanoTime() - w0 < 500_000_000L || n < 3) {
                r.run();
                n++;
            }
            long now = System.nanoTime();
            quiet = monitored && jit.getTotalCompilationTime() - c0 < QUIET_MS ? quiet + 1 : 0;
            if (now - start >= max || (now - start >= min && (quiet >= 2 || !monitored))) return (now - start) / 1e9;
        }
    }
}
