package dev.fluxion.diffeq.sde;

import dev.fluxion.autodiff.CompiledFunction;
import dev.fluxion.diffeq.FlatRhs;
import dev.fluxion.diffeq.FlatStateOps;
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
    private final double[] time = new double[1];
    // the lanes' input (a copy of x after u) and the two outputs: the program runs by its
    // allocation-free entry (the entry with offsets stages the lanes and returns fresh outputs)
    private final double[][] intoArgs, intoOuts;

    private LaneRunner(CompiledFunction.MultiRunner runner, int n, int out, int lanes, boolean pLanes, double[] pByRef, double[] pLanesByRef) {
        this.runner = runner;
        this.n = n;
        this.out = out;
        this.lanes = lanes;
        this.intoArgs = pLanes ? new double[][] {null, null, time, new double[lanes * n], null} : new double[][] {null, null, time, new double[lanes * n]};
        this.intoOuts = new double[][] {new double[out], new double[out * lanes]};
        intoArgs[1] = pByRef;
        if (pLanes) intoArgs[4] = pLanesByRef;
    }

    /** The lane runner of cf, or null when its JVP program cannot be made. */
    static LaneRunner of(CompiledFunction cf, Tensor p, Shape uShape, int lanes, double[] pLanes) {
        boolean[] mask = {true, pLanes != null, false};
        CompiledFunction.MultiRunner r = cf.jvpRunner(lanes, mask, Tensor.zeros(uShape), p, Tensor.scalar(0.0));
        if (r == null) return null;
        // a small p and its lanes by reference at each call (a bound argument costs the direct
        // entry a copy of every reference per call, FlatStateOps.of); a network's weights bound once
        boolean byRef = p.size() <= FlatStateOps.BY_REFERENCE_MAX;
        if (!byRef) {
            r.bind(1, p.unsafeData());
            if (pLanes != null) r.bind(4, pLanes);
        }
        return new LaneRunner(r, uShape.size(), cf.outputShape().size(), lanes, pLanes != null,
                byRef ? p.unsafeData() : null, byRef ? pLanes : null);
    }

    @Override public double[] eval(double[] x, double t) {
        double[] y = new double[out * (1 + lanes)];
        evalInto(x, t, y, 0);
        return y;
    }

    /**
     * [y, lanes] written into dst from offset: the program's allocation-free entry on this runner's
     * own input and output arrays (the entry with offsets would stage the lanes and return fresh
     * outputs at every call).
     */
    @Override public void evalInto(double[] x, double t, double[] dst, int offset) {
        double[][] a = intoArgs;
        a[0] = x;   // read from 0: u
        time[0] = t;
        double[] lanesIn = a[3];
        int nn = n;
        for (int q = 0; q < lanesIn.length; q++) lanesIn[q] = x[nn + q];
        double[][] o = intoOuts;
        runner.runInto(a, o);
        // plain loops, not System.arraycopy: the copies are of a few values (2 and 8 for the LV
        // SDE's 4 lanes), where the call's set-up costs more than the copy
        double[] y = o[0], dy = o[1];
        for (int q = 0; q < y.length; q++) dst[offset + q] = y[q];
        int base = offset + y.length;
        for (int q = 0; q < dy.length; q++) dst[base + q] = dy[q];
    }
}
