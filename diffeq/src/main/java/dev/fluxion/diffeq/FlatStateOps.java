package dev.fluxion.diffeq;

import dev.fluxion.autodiff.CompiledFunction;
import dev.fluxion.tensor.LinearCombination;
import dev.fluxion.tensor.Shape;
import dev.fluxion.tensor.Tensor;

/**
 * States as flat arrays: for plain solves of a compiled right-hand side (each evaluation runs the
 * compiled program on this solve's own workspace, each stage sum is one loop, and the only
 * allocation per evaluation is the result array), and for augmented systems (forward dual lanes
 * stored after the primal state, adjoint states). Step control may be restricted to the leading
 * primal components, so derivative lanes never steer the steps.
 */
public final class FlatStateOps implements StateOps<double[]> {
    private final FlatRhs rhs;
    private final Shape shape;
    private final int normLength;
    private final int activeLength;
    private int evaluations;
    /** Stage inputs live only until f has read them (a compiled program reads its arguments only while it runs), so one array serves all. */
    private double[] stageScratch;
    private final boolean scratchStageInputs;
    /** rkSum's nonzero coefficients and the stages they multiply. */
    private double[] coefs = new double[0];
    private int[] liveStages = new int[0];

    /**
     * @param rhs        the right-hand side
     * @param shape      the shape a state is reported with (its size is the array length)
     * @param normLength how many leading components step control reads
     */
    public FlatStateOps(FlatRhs rhs, Shape shape, int normLength) {
        this(rhs, shape, normLength, shape.size());
    }

    /**
     * @param activeLength how many leading components the right-hand side reads; the rest are
     *                     passive (integrated, never fed back), so stage inputs skip them
     */
    public FlatStateOps(FlatRhs rhs, Shape shape, int normLength, int activeLength) {
        this(rhs, shape, normLength, activeLength, false);
    }

    private FlatStateOps(FlatRhs rhs, Shape shape, int normLength, int activeLength, boolean scratchStageInputs) {
        this.rhs = rhs;
        this.shape = shape;
        this.normLength = normLength;
        this.activeLength = activeLength;
        this.scratchStageInputs = scratchStageInputs;
    }

    /** The compiled f with parameters p, for a plain solve of states shaped like shape. */
    public static FlatStateOps of(CompiledFunction f, Tensor p, Shape shape) {
        // a runner of its own for the solve, with p bound once (a solve never changes it)
        CompiledFunction.Runner runner = f.runner().bind(1, p.unsafeData());
        double[] time = new double[1];
        double[][] args = {null, null, time};
        // the program reads its arguments only while it runs, so stage inputs may share one array
        return new FlatStateOps((x, t) -> {
            args[0] = x;
            time[0] = t;
            return runner.run(args);
        }, shape, shape.size(), shape.size(), true);
    }

    @Override public double[] eval(double[] u, double t) {
        evaluations++;
        return rhs.eval(u, t);
    }

    @Override public double[] combine(double[] c, double[][] xs) {
        double[] out = new double[xs[0].length];
        LinearCombination.run(c, xs, out);
        return out;
    }

    /**
     * The sum straight over the arrays, in {@link LinearCombination#run}'s order (u first, then each
     * nonzero term; small states element by element, larger ones term by term), so the numbers are
     * those of the tensor path bit for bit, without building coefficient and operand arrays.
     */
    @Override public double[] rkSum(double[] u, double h, double[] a, int[] deps, double[][] k, boolean stageInput) {
        int n = u.length;
        double[] out;
        if (stageInput && scratchStageInputs) {
            if (stageScratch == null) stageScratch = new double[n];
            out = stageScratch;
        } else {
            out = new double[n];
        }
        int len = stageInput ? Math.min(activeLength, n) : n;
        int terms = deps.length;
        if (len <= 3) {   // a state of a few components: nothing to hoist
            for (int i = 0; i < len; i++) {
                double acc = u[i];
                for (int m = 0; m < terms; m++) {
                    double c = h * a[m];
                    if (c != 0.0) acc += c * k[deps[m]][i];
                }
                out[i] = acc;
            }
            return out;
        }
        if (len <= LinearCombination.SMALL) {
            // the nonzero coefficients h·a_m once, then each element with its sum in a register
            if (coefs.length < terms) {
                coefs = new double[terms];
                liveStages = new int[terms];
            }
            int live = 0;
            for (int m = 0; m < terms; m++) {
                double c = h * a[m];
                if (c != 0.0) {
                    coefs[live] = c;
                    liveStages[live++] = deps[m];
                }
            }
            for (int i = 0; i < len; i++) {
                double acc = u[i];
                for (int m = 0; m < live; m++) acc += coefs[m] * k[liveStages[m]][i];
                out[i] = acc;
            }
            return out;
        }
        System.arraycopy(u, 0, out, 0, len);
        for (int m = 0; m < terms; m++) {
            double c = h * a[m];
            if (c == 0.0) continue;
            double[] x = k[deps[m]];
            for (int i = 0; i < len; i++) out[i] += c * x[i];
        }
        return out;
    }

    @Override public double[] values(double[] x) { return x; }

    @Override public int normLength() { return normLength; }

    @Override public Tensor tensor(double[] x) { return Tensor.unsafeWrap(shape, x); }

    @Override public double[] evalValues(double[] u, double t) { return eval(u, t); }

    @Override public int evaluations() { return evaluations; }

    @Override public double[][] newArray(int n) { return new double[n][]; }
}
