package dev.fluxion.tensor;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;

/**
 * Splits a kernel's output rows over the cores when the work is large enough to repay a fork
 * (issue 15: a batched neural ODE's matrix products at B = 1024 are ~10⁵ multiply-adds each).
 * Each row is computed whole by one thread, in the same order as a serial run, so results do not
 * depend on the split. Runs on the common ForkJoinPool (the caller works too); set the system
 * property {@code fluxion.parallel=false} to keep every kernel on the calling thread. Inside a
 * chunk of a {@link RowPool} split (a program already split over the cores by rows) kernels stay
 * on their thread.
 */
final class Parallel {
    private Parallel() {}

    /** Multiply-adds (or elements) below which a kernel stays on the calling thread. */
    static final long THRESHOLD = 1L << 17;

    static final boolean ENABLED = !"false".equals(System.getProperty("fluxion.parallel"))
            && Runtime.getRuntime().availableProcessors() > 1;

    /** Runs work over rows [0, m), split in parallel chunks when {@code cost} reaches the threshold. */
    static void rows(int m, long cost, MatMul.RowRange work) {
        int parts = ENABLED && cost >= THRESHOLD && m >= 16 && !RowPool.inChunk()
                ? (int) Math.min(Math.min(ForkJoinPool.getCommonPoolParallelism() + 1, Runtime.getRuntime().availableProcessors()), cost / (THRESHOLD / 2))
                : 1;
        if (parts <= 1) {
            work.run(0, m);
            return;
        }
        new Split(work, 0, m, parts).invoke();
    }

    private static final class Split extends RecursiveAction {
        final MatMul.RowRange work;
        final int i0, i1, parts;

        Split(MatMul.RowRange work, int i0, int i1, int parts) {
            this.work = work;
            this.i0 = i0;
            this.i1 = i1;
            this.parts = parts;
        }

        @Override protected void compute() {
            if (parts <= 1) {
                work.run(i0, i1);
                return;
            }
            int lp = parts / 2;
            int mid = i0 + (int) ((long) (i1 - i0) * lp / parts);
            invokeAll(new Split(work, i0, mid, lp), new Split(work, mid, i1, parts - lp));
        }
    }
}
