package dev.fluxion.diffeq.sensitivity;

import dev.fluxion.autodiff.CompiledFunction;
import dev.fluxion.autodiff.DualLevel;
import dev.fluxion.diffeq.FlatRhs;
import dev.fluxion.diffeq.FlatStateOps;
import dev.fluxion.diffeq.OdeFunction;
import dev.fluxion.tensor.Shape;
import dev.fluxion.tensor.Tensor;

/**
 * The right-hand side of the dual-lane (forward-mode) system on one flat array x = [u, U], U the
 * K lanes of ∂u: returns [f(u), ∂f/∂u·U + ∂f/∂p·P] with P the constant lanes of p. Runs f's
 * compiled value-and-JVP program when f compiles, else f on dual tensors.
 */
final class JvpEvaluator implements FlatRhs {
    private final OdeFunction f;
    private final Tensor p;
    private final Shape uShape;
    private final int n;
    private final int lanes;
    private final double[] pLanes;   // [K, ...p.shape] flattened, or null when p has no tangents
    private final CompiledFunction.MultiRunner runner;
    private final double[][] args;
    /** The input lanes U (x after u), and the outputs {f(u) (the caller's array), output lanes}. */
    private final double[] lanesIn;
    private final double[][] outs;
    private final double[] time = new double[1];

    JvpEvaluator(OdeFunction f, CompiledFunction cf, Tensor p, Shape uShape, int lanes, double[] pLanes) {
        this.f = f;
        this.p = p;
        this.uShape = uShape;
        this.n = uShape.size();
        this.lanes = lanes;
        this.pLanes = pLanes;
        boolean[] mask = {true, pLanes != null, false};
        // p and its lanes are fixed for the evaluator's life
        CompiledFunction.MultiRunner r = cf == null ? null
                : cf.jvpRunner(lanes, mask, Tensor.zeros(uShape), p, Tensor.scalar(0.0));
        this.args = pLanes != null ? new double[][] {null, null, time, null, null}
                : new double[][] {null, null, time, null};
        // small p and lanes by reference at each call (the direct entry then takes args as it
        // is), large ones bound once: FlatStateOps.of's reasoning
        if (r != null) {
            int fixed = p.size() + (pLanes == null ? 0 : pLanes.length);
            if (fixed <= FlatStateOps.BY_REFERENCE_MAX) {
                args[1] = p.unsafeData();
                if (pLanes != null) args[4] = pLanes;
            } else {
                r.bind(1, p.unsafeData());
                if (pLanes != null) r.bind(4, pLanes);
            }
        }
        this.runner = r;
        this.lanesIn = new double[lanes * n];
        this.outs = new double[][] {null, new double[lanes * n]};
    }

    int lanes() { return lanes; }

    @Override public boolean writesInto() { return runner != null; }

    @Override public void evalInto(double[] x, double t, double[] out, int offset) {
        if (runner != null && offset == 0) run(x, t, out);
        else FlatRhs.super.evalInto(x, t, out, offset);
    }

    @Override public double[] eval(double[] x, double t) {
        double[] out = new double[x.length];
        if (runner != null) return run(x, t, out);
        return evalOnTensors(x, t, out);
    }

    /** [f(u), lanes] at (x, t) into out (x's length; not x) by the compiled program. */
    private double[] run(double[] x, double t, double[] out) {
        // the direct entry (MultiRunner.runInto): u by reference (x's leading n values), the
        // lanes copied into a scratch of their own (the entry reads every argument from 0), f(u)
        // written straight into out's head and the output lanes into a scratch copied after it:
        // no per-call arrays. No output array is an argument (runInto's aliasing rule): out is
        // fresh or a stage array the stepper reuses (never x), the scratches are this evaluator's own.
        System.arraycopy(x, n, lanesIn, 0, lanesIn.length);
        args[0] = x;
        time[0] = t;
        args[3] = lanesIn;
        outs[0] = out;
        runner.runInto(args, outs);
        System.arraycopy(outs[1], 0, out, n, lanesIn.length);
        return out;
    }

    /** f on dual tensors (f does not compile). */
    private double[] evalOnTensors(double[] x, double t, double[] out) {
        double[] u = java.util.Arrays.copyOfRange(x, 0, n);
        double[] du = java.util.Arrays.copyOfRange(x, n, x.length);
        DualLevel level = new DualLevel(lanes);
        try {
            Tensor ud = level.dual(Tensor.unsafeWrap(uShape, u), Tensor.unsafeWrap(uShape.prepend(lanes), du));
            Tensor pd = pLanes == null ? p : level.dual(p, Tensor.unsafeWrap(p.shape().prepend(lanes), pLanes));
            Tensor y = f.apply(ud, pd, Tensor.scalar(t));
            System.arraycopy(level.primalOf(y).unsafeData(), 0, out, 0, n);
            System.arraycopy(level.tangentOf(y).unsafeData(), 0, out, n, lanes * n);
            return out;
        } finally {
            level.close();
        }
    }
}
