package dev.fluxion.examples;

import dev.fluxion.tensor.Tensor;

/** The spiral's data (30 points on [0, 1.5]), shared by the main job, its tests and the benchmarks. */
public final class SpiralData {
    private SpiralData() {}

    public static double[] times() { return Tensor.linspace(0.0, 1.5, 30).toDoubleArray(); }

    private static Tensor data;

    public static synchronized Tensor data() {
        if (data == null) data = Spiral.trueSpiral(times());
        return data;
    }
}
