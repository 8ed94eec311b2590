package dev.fluxion.tensor;

/**
 * A primal computation bound to fixed shapes, for compiled programs: reads its input buffers and
 * overwrites its output buffer, allocating nothing.
 */
@FunctionalInterface
public interface Kernel {
    void run(double[][] inputs, double[] output);
}
