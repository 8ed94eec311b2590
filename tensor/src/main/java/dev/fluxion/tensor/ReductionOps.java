package dev.fluxion.tensor;

/** Reductions: sums and maxima, over everything or along one axis. */
public final class ReductionOps {
    private ReductionOps() {}

    /** outer × n × inner decomposition of a shape around an axis. */
    static int outer(Shape s, int axis) {
        int o = 1;
        for (int i = 0; i < axis; i++) o *= s.raw()[i];
        return o;
    }

    static int inner(Shape s, int axis) {
        int o = 1;
        for (int i = axis + 1; i < s.rank(); i++) o *= s.raw()[i];
        return o;
    }

    /** Sum of all elements. */
    public static final class SumAll extends KernelOp {
        public static final SumAll INSTANCE = new SumAll();

        private SumAll() {}

        @Override public String name() { return "sum"; }

        @Override public Shape outShape(Shape[] in) { return Shape.SCALAR; }

        @Override public void forwardInto(double[][] in, Shape[] s, double[] out, Shape so) {
            double acc = 0.0;
            for (double v : in[0]) acc += v;
            out[0] = acc;
        }

        @Override public Tensor jvp(Tensor[] in, Tensor out, Tensor[] t) {
            if (t[0] == null) return null;
            int k = t[0].dim(0);
            return t[0].reshape(k, in[0].size()).sum(1);
        }

        @Override public Tensor[] vjp(Tensor[] in, Tensor out, Tensor ct, boolean[] needs) {
            return new Tensor[] {ct.broadcastTo(in[0].shape())};
        }
    }

    /** Sum along one axis. */
    public static final class SumAxis extends KernelOp {
        final int axis;
        final boolean keepDims;

        public SumAxis(int axis, boolean keepDims) {
            this.axis = axis;
            this.keepDims = keepDims;
        }

        @Override public String name() { return "sum(axis=" + axis + (keepDims ? ", keepDims" : "") + ")"; }

        public int axis() { return axis; }

        @Override public Shape outShape(Shape[] in) {
            return keepDims ? in[0].with(axis, 1) : in[0].remove(axis);
        }

        @Override public void forwardInto(double[][] in, Shape[] s, double[] out, Shape so) {
            Shape sx = s[0];
            int outer = outer(sx, axis), n = sx.raw()[axis], inner = inner(sx, axis);
            double[] x = in[0];
            java.util.Arrays.fill(out, 0.0);
            for (int o = 0; o < outer; o++) {
                int ob = o * inner;
                for (int k = 0; k < n; k++) {
                    int xb = (o * n + k) * inner;
                    for (int i = 0; i < inner; i++) out[ob + i] += x[xb + i];
                }
            }
        }

        @Override public Tensor jvp(Tensor[] in, Tensor out, Tensor[] t) {
            return t[0] == null ? null : t[0].sum(axis + 1, keepDims);
        }

        @Override public Tensor[] vjp(Tensor[] in, Tensor out, Tensor ct, boolean[] needs) {
            Tensor g = keepDims ? ct : ct.unsqueeze(axis);
            return new Tensor[] {g.broadcastTo(in[0].shape())};
        }
    }

    /**
     * Maximum of all elements (axis = −1) or along an axis. NaN propagates. The derivative goes to
     * the maximal elements, shared equally among ties (the symmetric choice, as PyTorch's amax).
     */
    public static final class Max extends KernelOp {
        final int axis;
        final boolean keepDims;

        public Max(int axis, boolean keepDims) {
            this.axis = axis;
            this.keepDims = keepDims;
        }

        @Override public String name() { return axis < 0 ? "max" : "max(axis=" + axis + (keepDims ? ", keepDims" : "") + ")"; }

        /** The reduced axis, or −1 for all elements. */
        public int axis() { return axis; }

        @Override public Shape outShape(Shape[] in) {
            if (in[0].size() == 0) throw new IllegalArgumentException("max: tensor of shape " + in[0] + " is empty");
            if (axis < 0) return Shape.SCALAR;
            if (in[0].dim(axis) == 0) throw new IllegalArgumentException("max: axis " + axis + " of shape " + in[0] + " is empty");
            return keepDims ? in[0].with(axis, 1) : in[0].remove(axis);
        }

        @Override public void forwardInto(double[][] in, Shape[] s, double[] out, Shape so) {
            double[] x = in[0];
            if (axis < 0) {
                double m = Double.NEGATIVE_INFINITY;
                for (double v : x) m = MathFunctions.maxStep(m, v);
                out[0] = m;
                return;
            }
            Shape sx = s[0];
            int outer = outer(sx, axis), n = sx.raw()[axis], inner = inner(sx, axis);
            for (int o = 0; o < outer; o++) {
                for (int i = 0; i < inner; i++) {
                    double m = Double.NEGATIVE_INFINITY;
                    for (int k = 0; k < n; k++) m = MathFunctions.maxStep(m, x[(o * n + k) * inner + i]);
                    out[o * inner + i] = m;
                }
            }
        }

        /** Equal shares of the derivative for the maximal elements, shaped like the input. */
        private Tensor weights(Tensor x, Tensor out) {
            Tensor m = axis < 0 || keepDims ? out : out.unsqueeze(axis);
            Tensor mask = x.eq(m);
            Tensor count = axis < 0 ? mask.sum() : mask.sum(axis, true);
            return mask.div(count);
        }

        @Override public Tensor jvp(Tensor[] in, Tensor out, Tensor[] t) {
            if (t[0] == null) return null;
            Tensor wt = t[0].times(weights(in[0], out));
            if (axis < 0) return wt.reshape(wt.dim(0), in[0].size()).sum(1);
            return wt.sum(axis + 1, keepDims);
        }

        @Override public Tensor[] vjp(Tensor[] in, Tensor out, Tensor ct, boolean[] needs) {
            Tensor g = axis < 0 || keepDims ? ct : ct.unsqueeze(axis);
            return new Tensor[] {g.times(weights(in[0], out))};
        }
    }
}
