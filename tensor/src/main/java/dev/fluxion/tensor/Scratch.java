package dev.fluxion.tensor;

import java.util.Arrays;

/**
 * Per-thread scratch rows for the kernels of {@link RowKernels}: arrays indexed from 0 that a
 * kernel stages its operands' rows in. Each thread has its own (kernels of a row split run on
 * several threads at once), and a kernel holds its slots only while it runs and calls nothing
 * that could run another kernel on the same thread meanwhile. Contents are unspecified on entry.
 */
final class Scratch {
    private static final ThreadLocal<Scratch> LOCAL = ThreadLocal.withInitial(Scratch::new);

    private double[][] rows = new double[8][];

    private Scratch() {}

    /** The calling thread's scratch. */
    static Scratch get() { return LOCAL.get(); }

    /** Slot s, at least len long. */
    double[] row(int s, int len) {
        if (s >= rows.length) rows = Arrays.copyOf(rows, Math.max(s + 1, 2 * rows.length));
        double[] r = rows[s];
        if (r == null || r.length < len) rows[s] = r = new double[len];
        return r;
    }
}
