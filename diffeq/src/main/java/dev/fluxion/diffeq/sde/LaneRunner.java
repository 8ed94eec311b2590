package dev.fluxion.diffeq.sde;

import dev.fluxion.autodiff.CompiledFunction;
import dev.fluxion.diffeq.FlatRhs;
import dev.fluxion.tensor.Shape;
import dev.fluxion.tensor.Tensor;

/**
 * A compiled function of (u, p, t) and its K forward lanes on one flat array x = [u, U]: returns
 * [y, ∂y/∂u·U + ∂y/∂p·P] (P the constant lanes of p), through the program's compiled JVP. Serves
 * the drift (y shaped like u) and the diffusion (y of n or n·m values) of a dual-lane SDE solve.
 */
final class LaneRunner implements FlatRhs {
    private final int n, out, lanes;
    private final CompiledFunction.MultiRunner runner;
    private final double[][] args;
    private final int[] offsets;
    private final double[] time = new double[1];

    private LaneRunner(CompiledFunction.MultiRunner runner, int n, int out, int lanes, boolean pLanes) {
        this.runner = runner;
        this.n = n;
        this.out = out;
        this.lanes = lanes;
        this.args = pLanes ? new double[][] {null, null, time, null, null} : new double[][] {null, null, time, null};
        this.offsets = pLanes ? new int[] {0, 0, 0, n, 0} : new int[] {0, 0, 0, n};
    }

    /** The lane runner of cf, or null when its JVP program cannot be made. */
    static LaneRunner of(CompiledFunction cf, Tensor p, Shape uShape, int lanes, double[] pLanes) {
        boolean[] mask = {true, pLanes != null, false};
        CompiledFunction.MultiRunner r = cf.jvpRunner(lanes, mask, Tensor.zeros(uShape), p, Tensor.scalar(0.0));
        if (r == null) return null;
        r.bind(1, p.unsafeData());
        if (pLanes != null) r.bind(4, pLanes);
        return new LaneRunner(r, uShape.size(), cf.outputShape().size(), lanes, pLanes != null);
    }

    @Override public double[] eval(double[] x, double t) {
        double[] y = new double[out * (1 + lanes)];
        args[0] = x;
        time[0] = t;
        args[3] = x;
        runner.run(args, offsets);
        runner.copyOutput(0, y, 0);
        runner.copyOutput(1, y, out);
        return y;
    }

    /** As {@link #eval}, written into dst from offset (value, then the K lanes): no result array. */
    @Override public void evalInto(double[] x, double t, double[] dst, int offset) {
        args[0] = x;
        time[0] = t;
        args[3] = x;
        runner.run(args, offsets);
        runner.copyOutput(0, dst, offset);
        runner.copyOutput(1, dst, offset + out);
    }
}
