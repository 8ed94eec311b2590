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
    /**
     * Whether the program runs K + 1 lanes, lane 0 along u itself (a direction whose result is
     * overwritten by y): its tangent input is then x = [u, U] as it is and its tangent output the
     * caller's [y, lanes] array, so nothing is copied but y (see {@link #of}).
     */
    private final boolean whole;
    // the lanes' input (a copy of x after u; whole: unused) and the two outputs (whole: y only,
    // the lanes go to the caller's array): the program runs by its allocation-free entry (the
    // entry with offsets stages the lanes and returns fresh outputs)
    private final double[][] intoArgs, intoOuts, wholeOuts;
    private final double[] lanesIn;

    private LaneRunner(CompiledFunction.MultiRunner runner, int n, int out, int lanes, boolean whole, boolean pLanes,
                       double[] pByRef, double[] pLanesByRef) {
        this.runner = runner;
        this.n = n;
        this.out = out;
        this.lanes = lanes;
        this.whole = whole;
        int k = whole ? lanes + 1 : lanes;
        this.intoArgs = pLanes ? new double[][] {null, null, time, new double[k * n], null} : new double[][] {null, null, time, new double[k * n]};
        this.intoOuts = new double[][] {new double[out], new double[out * k]};
        this.wholeOuts = new double[][] {intoOuts[0], null};
        this.lanesIn = intoArgs[3];
        intoArgs[1] = pByRef;
        if (pLanes) intoArgs[4] = pLanesByRef;
    }

    /** Largest u for which a small program runs the extra lane instead of copying the lanes (see {@link #of}). */
    static final int WHOLE_MAX_N = 16;

    /**
     * The lane runner of cf, or null when its JVP program cannot be made. A program that is
     * straight-line code throughout (every node small, {@code MultiRunner.direct()}) on a small u
     * runs one lane more, lane 0 along u with p's tangent 0 there, and reads and writes the
     * caller's whole [u, U] and [y, lanes] arrays: the extra lane costs a few multiply-adds per
     * output, where copying 8 lanes in and 10 values out cost more around each of the LV SDE's
     * 8 calls per step. Lanes are independent in every JVP rule (the same operations on each
     * lane's own values), so lanes 1…K are the numbers the K-lane program gives, bit for bit.
     */
    static LaneRunner of(CompiledFunction cf, Tensor p, Shape uShape, int lanes, double[] pLanes) {
        boolean[] mask = {true, pLanes != null, false};
        int n = uShape.size();
        CompiledFunction.MultiRunner r = null;
        boolean whole = false;
        double[] seeds = pLanes;
        if (n <= WHOLE_MAX_N) {
            CompiledFunction.MultiRunner w = cf.jvpRunner(lanes + 1, mask, Tensor.zeros(uShape), p, Tensor.scalar(0.0));
            if (w != null && w.direct()) {
                r = w;
                whole = true;
                if (pLanes != null) {
                    seeds = new double[pLanes.length + p.size()];   // lane 0: p's tangent 0
                    System.arraycopy(pLanes, 0, seeds, p.size(), pLanes.length);
                }
            }
        }
        if (r == null) r = cf.jvpRunner(lanes, mask, Tensor.zeros(uShape), p, Tensor.scalar(0.0));
        if (r == null) return null;
        // a small p and its lanes by reference at each call (a bound argument costs the direct
        // entry a copy of every reference per call, FlatStateOps.of); a network's weights bound once
        boolean byRef = p.size() <= FlatStateOps.BY_REFERENCE_MAX;
        if (!byRef) {
            r.bind(1, p.unsafeData());
            if (seeds != null) r.bind(4, seeds);
        }
        return new LaneRunner(r, n, cf.outputShape().size(), lanes, whole, pLanes != null,
                byRef ? p.unsafeData() : null, byRef ? seeds : null);
    }

    /** Whether this runner runs the extra lane on the caller's whole arrays (see {@link #of}): for specs. */
    boolean whole() { return whole; }

    @Override public double[] eval(double[] x, double t) {
        double[] y = new double[out * (1 + lanes)];
        evalInto(x, t, y, 0);
        return y;
    }

    /**
     * [y, lanes] written into dst from offset: the program's allocation-free entry on this runner's
     * own input and output arrays (the entry with offsets would stage the lanes and return fresh
     * outputs at every call), or with {@link #whole} on x and dst themselves.
     */
    @Override public void evalInto(double[] x, double t, double[] dst, int offset) {
        double[][] a = intoArgs;
        a[0] = x;   // read from 0: u
        time[0] = t;
        int nn = n;
        if (whole) {
            double[] y = intoOuts[0];
            if (offset == 0) {
                // x is [u, U]: the K + 1 lanes' input as it is; their output, lane 0 then y's
                // lanes, goes straight into dst, and y over lane 0
                a[3] = x;
                double[][] o = wholeOuts;
                o[1] = dst;
                runner.runInto(a, o);
                for (int q = 0; q < y.length; q++) dst[q] = y[q];
                return;
            }
            // into another array's middle: x's [u, U] copied in, lane 0 dropped on the way out
            double[] in = lanesIn;
            a[3] = in;
            for (int q = 0; q < in.length; q++) in[q] = x[q];
            double[][] o = intoOuts;
            runner.runInto(a, o);
            double[] dy = o[1];
            for (int q = 0; q < y.length; q++) dst[offset + q] = y[q];
            for (int q = y.length; q < dy.length; q++) dst[offset + q] = dy[q];
            return;
        }
        double[] in = lanesIn;
        for (int q = 0; q < in.length; q++) in[q] = x[nn + q];
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
