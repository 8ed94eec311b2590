package dev.fluxion.tensor;

import java.util.Arrays;

/** Primitives that move elements without arithmetic: reshape, transpose, slice, concat, broadcast. */
public final class ShapeOps {
    private ShapeOps() {}

    /** Resolves one −1 in a reshape request against the element count. */
    static Shape inferReshape(Shape from, int[] dims) {
        int[] d = dims.clone();
        int unknown = -1;
        long known = 1;
        for (int i = 0; i < d.length; i++) {
            if (d[i] == -1) {
                if (unknown >= 0) throw new IllegalArgumentException("reshape: at most one dimension may be -1, got " + Arrays.toString(dims));
                unknown = i;
            } else {
                if (d[i] < 0) throw new IllegalArgumentException("reshape: negative dimension in " + Arrays.toString(dims));
                known *= d[i];
            }
        }
        if (unknown >= 0) {
            if (known == 0 || from.size() % known != 0) {
                throw new IllegalArgumentException("reshape: cannot reshape " + from + " to " + Arrays.toString(dims));
            }
            d[unknown] = (int) (from.size() / known);
        }
        return Shape.wrap(d);
    }

    /** Same elements, new shape. */
    public static final class Reshape extends KernelOp {
        final Shape target;

        public Reshape(Shape target) { this.target = target; }

        @Override public String name() { return "reshape" + target; }

        @Override public Shape outShape(Shape[] in) {
            if (in[0].size() != target.size()) {
                throw new IllegalArgumentException("reshape: cannot reshape " + in[0] + " (" + in[0].size() + " elements) to " + target);
            }
            return target;
        }

        @Override public Tensor forward(Tensor[] in) {
            outShape(new Shape[] {in[0].shape});
            return new Tensor(target, in[0].data);   // immutable: share the buffer
        }

        @Override public void forwardInto(double[][] in, Shape[] s, double[] out, Shape so) {
            System.arraycopy(in[0], 0, out, 0, out.length);
        }

        @Override public Tensor jvp(Tensor[] in, Tensor out, Tensor[] t) {
            return t[0] == null ? null : t[0].reshape(target.prepend(t[0].dim(0)));
        }

        @Override public Tensor[] vjp(Tensor[] in, Tensor out, Tensor ct, boolean[] needs) {
            return new Tensor[] {ct.reshape(in[0].shape)};
        }
    }

    /** Axis permutation: output axis i is input axis perm[i]. */
    public static final class Transpose extends KernelOp {
        final int[] perm;

        public Transpose(int[] perm, Shape of) {
            int r = of.rank();
            if (perm.length != r) throw new IllegalArgumentException("transpose: permutation " + Arrays.toString(perm) + " does not fit shape " + of);
            boolean[] seen = new boolean[r];
            int[] p = new int[r];
            for (int i = 0; i < r; i++) {
                int a = perm[i] < 0 ? perm[i] + r : perm[i];
                if (a < 0 || a >= r || seen[a]) throw new IllegalArgumentException("transpose: " + Arrays.toString(perm) + " is not a permutation of the axes of " + of);
                seen[a] = true;
                p[i] = a;
            }
            this.perm = p;
        }

        boolean isIdentity() {
            for (int i = 0; i < perm.length; i++) if (perm[i] != i) return false;
            return true;
        }

        @Override public String name() { return "transpose" + Arrays.toString(perm); }

        @Override public Shape outShape(Shape[] in) {
            int[] d = new int[perm.length];
            for (int i = 0; i < perm.length; i++) d[i] = in[0].raw()[perm[i]];
            return Shape.wrap(d);
        }

        @Override public Kernel kernel(Shape[] s, Shape so) {
            if (perm.length == 2) {   // strides computed once for compiled programs
                int m = so.raw()[0], k = so.raw()[1];
                int s0 = s[0].strides()[perm[0]], s1 = s[0].strides()[perm[1]];
                return (in, out) -> {
                    double[] x = in[0];
                    for (int i = 0; i < m; i++) for (int j = 0; j < k; j++) out[i * k + j] = x[i * s0 + j * s1];
                };
            }
            return super.kernel(s, so);
        }

        @Override public void forwardInto(double[][] in, Shape[] s, double[] out, Shape so) {
            int r = perm.length;
            int[] istr = s[0].strides();
            int[] ostr = new int[r];          // input stride of each output axis
            for (int i = 0; i < r; i++) ostr[i] = istr[perm[i]];
            int[] od = so.raw();
            double[] x = in[0];
            int n = out.length;
            if (r == 2) {
                int m = od[0], k = od[1], s0 = ostr[0], s1 = ostr[1];
                for (int i = 0; i < m; i++) for (int j = 0; j < k; j++) out[i * k + j] = x[i * s0 + j * s1];
                return;
            }
            int[] idx = new int[r];
            int off = 0;
            for (int q = 0; q < n; q++) {
                out[q] = x[off];
                for (int ax = r - 1; ax >= 0; ax--) {
                    idx[ax]++;
                    off += ostr[ax];
                    if (idx[ax] < od[ax]) break;
                    off -= ostr[ax] * idx[ax];
                    idx[ax] = 0;
                }
            }
        }

        int[] inverse() {
            int[] inv = new int[perm.length];
            for (int i = 0; i < perm.length; i++) inv[perm[i]] = i;
            return inv;
        }

        @Override public Tensor jvp(Tensor[] in, Tensor out, Tensor[] t) {
            if (t[0] == null) return null;
            int[] p = new int[perm.length + 1];
            for (int i = 0; i < perm.length; i++) p[i + 1] = perm[i] + 1;
            return t[0].transpose(p);
        }

        @Override public Tensor[] vjp(Tensor[] in, Tensor out, Tensor ct, boolean[] needs) {
            return new Tensor[] {ct.transpose(inverse())};
        }
    }

    /** Elements [start, end) along an axis. */
    public static final class Slice extends KernelOp {
        final int axis, start, end;

        public Slice(int axis, int start, int end) {
            this.axis = axis;
            this.start = start;
            this.end = end;
        }

        @Override public String name() { return "slice(axis=" + axis + ", " + start + ":" + end + ")"; }

        @Override public Shape outShape(Shape[] in) {
            if (axis >= in[0].rank() || end > in[0].dim(axis)) {
                throw new IllegalArgumentException(name() + " does not fit shape " + in[0]);
            }
            return in[0].with(axis, end - start);
        }

        @Override public void forwardInto(double[][] in, Shape[] s, double[] out, Shape so) {
            Shape sx = s[0];
            int outer = ReductionOps.outer(sx, axis), n = sx.raw()[axis], inner = ReductionOps.inner(sx, axis);
            int len = (end - start) * inner;
            for (int o = 0; o < outer; o++) System.arraycopy(in[0], (o * n + start) * inner, out, o * len, len);
        }

        @Override public Tensor jvp(Tensor[] in, Tensor out, Tensor[] t) {
            return t[0] == null ? null : t[0].slice(axis + 1, start, end);
        }

        @Override public Tensor[] vjp(Tensor[] in, Tensor out, Tensor ct, boolean[] needs) {
            return new Tensor[] {Dispatch.apply(new PadSlice(axis, start, in[0].dim(axis)), ct)};
        }
    }

    /** The adjoint of slice: places the input at [start, start + len) along an axis of length full, zeros elsewhere. */
    public static final class PadSlice extends KernelOp {
        final int axis, start, full;

        public int axis() { return axis; }

        public int start() { return start; }

        public int full() { return full; }

        public PadSlice(int axis, int start, int full) {
            this.axis = axis;
            this.start = start;
            this.full = full;
        }

        @Override public String name() { return "padSlice(axis=" + axis + ", at " + start + " of " + full + ")"; }

        @Override public Shape outShape(Shape[] in) {
            if (start + in[0].dim(axis) > full) throw new IllegalArgumentException(name() + " does not fit shape " + in[0]);
            return in[0].with(axis, full);
        }

        @Override public void forwardInto(double[][] in, Shape[] s, double[] out, Shape so) {
            Shape sx = s[0];
            int outer = ReductionOps.outer(sx, axis), n = sx.raw()[axis], inner = ReductionOps.inner(sx, axis);
            Arrays.fill(out, 0.0);
            int len = n * inner;
            for (int o = 0; o < outer; o++) System.arraycopy(in[0], o * len, out, (o * full + start) * inner, len);
        }

        @Override public Tensor jvp(Tensor[] in, Tensor out, Tensor[] t) {
            return t[0] == null ? null : Dispatch.apply(new PadSlice(axis + 1, start, full), t[0]);
        }

        @Override public Tensor[] vjp(Tensor[] in, Tensor out, Tensor ct, boolean[] needs) {
            return new Tensor[] {ct.slice(axis, start, start + in[0].dim(axis))};
        }
    }

    /**
     * Σ_i padSlice(x_i, axis, start_i, full): pieces added into their ranges of a zero tensor. The
     * compiler fuses reverse mode's assembly of a sliced vector's gradient (pads and adds) into
     * this one pass.
     */
    public static final class PadSum extends KernelOp {
        final int axis, full;
        final int[] starts;

        public PadSum(int axis, int full, int[] starts) {
            this.axis = axis;
            this.full = full;
            this.starts = starts.clone();
        }

        @Override public String name() { return "padSum(axis=" + axis + ", at " + Arrays.toString(starts) + " of " + full + ")"; }

        public int axis() { return axis; }

        public int full() { return full; }

        public int[] starts() { return starts.clone(); }

        @Override public Shape outShape(Shape[] in) {
            for (int i = 0; i < in.length; i++) {
                if (starts[i] + in[i].dim(axis) > full || !in[i].with(axis, full).equals(in[0].with(axis, full))) {
                    throw new IllegalArgumentException(name() + " does not fit shapes " + Arrays.toString(in));
                }
            }
            return in[0].with(axis, full);
        }

        @Override public void forwardInto(double[][] in, Shape[] s, double[] out, Shape so) {
            Arrays.fill(out, 0.0);
            int outer = ReductionOps.outer(so, axis), inner = ReductionOps.inner(so, axis);
            for (int i = 0; i < in.length; i++) {
                double[] x = in[i];
                int len = s[i].raw()[axis] * inner;
                for (int o = 0; o < outer; o++) {
                    int src = o * len, dst = (o * full + starts[i]) * inner;
                    for (int j = 0; j < len; j++) out[dst + j] += x[src + j];
                }
            }
        }

        @Override public Tensor jvp(Tensor[] in, Tensor out, Tensor[] t) {
            int k = Lanes.count(t);
            if (k == 0) return null;
            Tensor[] parts = new Tensor[t.length];
            for (int i = 0; i < t.length; i++) parts[i] = t[i] != null ? t[i] : Lanes.zeros(k, in[i].shape());
            return Dispatch.apply(new PadSum(axis + 1, full, starts), parts);
        }

        @Override public Tensor[] vjp(Tensor[] in, Tensor out, Tensor ct, boolean[] needs) {
            Tensor[] g = new Tensor[in.length];
            for (int i = 0; i < in.length; i++) if (needs[i]) g[i] = ct.slice(axis, starts[i], starts[i] + in[i].dim(axis));
            return g;
        }
    }

    /** Joins n tensors along an axis. */
    public static final class Concat extends KernelOp {
        final int axis;
        final int count;

        public Concat(int axis, int count) {
            this.axis = axis;
            this.count = count;
        }

        @Override public String name() { return "concat(axis=" + axis + ")"; }

        @Override public Shape outShape(Shape[] in) {
            Shape first = in[0];
            int total = 0;
            for (int j = 0; j < in.length; j++) {
                Shape s = in[j];
                boolean ok = s.rank() == first.rank();
                for (int d = 0; ok && d < s.rank(); d++) if (d != axis && s.raw()[d] != first.raw()[d]) ok = false;
                if (!ok) throw new IllegalArgumentException("concat: tensor " + j + " has shape " + s + ", which does not match " + first + " outside axis " + axis);
                total += s.raw()[axis];
            }
            return first.with(axis, total);
        }

        @Override public void forwardInto(double[][] in, Shape[] s, double[] out, Shape so) {
            int outer = ReductionOps.outer(so, axis), inner = ReductionOps.inner(so, axis);
            int rowLen = so.raw()[axis] * inner;
            int off = 0;
            for (int j = 0; j < in.length; j++) {
                int len = s[j].raw()[axis] * inner;
                for (int o = 0; o < outer; o++) System.arraycopy(in[j], o * len, out, o * rowLen + off, len);
                off += len;
            }
        }

        @Override public Tensor jvp(Tensor[] in, Tensor out, Tensor[] t) {
            int k = Lanes.count(t);
            if (k == 0) return null;
            Tensor[] parts = new Tensor[t.length];
            for (int j = 0; j < t.length; j++) parts[j] = t[j] != null ? t[j] : Lanes.zeros(k, in[j].shape);
            return Tensor.concat(axis + 1, parts);
        }

        @Override public Tensor[] vjp(Tensor[] in, Tensor out, Tensor ct, boolean[] needs) {
            Tensor[] g = new Tensor[in.length];
            int off = 0;
            for (int j = 0; j < in.length; j++) {
                int len = in[j].dim(axis);
                if (needs[j]) g[j] = ct.slice(axis, off, off + len);
                off += len;
            }
            return g;
        }
    }

    /** Repeats along broadcast axes to reach a target shape. */
    public static final class BroadcastTo extends KernelOp {
        final Shape target;

        public BroadcastTo(Shape target) { this.target = target; }

        @Override public String name() { return "broadcastTo" + target; }

        @Override public Shape outShape(Shape[] in) {
            if (!in[0].broadcastsTo(target)) throw new IllegalArgumentException("broadcastTo: shape " + in[0] + " cannot be broadcast to " + target);
            return target;
        }

        @Override public void forwardInto(double[][] in, Shape[] s, double[] out, Shape so) {
            double[] x = in[0];
            if (x.length == 1) { Arrays.fill(out, x[0]); return; }
            if (Broadcasting.isSuffix(s[0], so)) {
                int m = x.length;
                for (int i = 0; i < out.length; i += m) System.arraycopy(x, 0, out, i, m);
                return;
            }
            int[] map = Broadcasting.indexMap(s[0], so);
            for (int i = 0; i < out.length; i++) out[i] = x[map[i]];
        }

        @Override public Tensor jvp(Tensor[] in, Tensor out, Tensor[] t) {
            return t[0] == null ? null : Lanes.broadcastTo(t[0], target);
        }

        @Override public Tensor[] vjp(Tensor[] in, Tensor out, Tensor ct, boolean[] needs) {
            return new Tensor[] {ct.sumTo(in[0].shape)};
        }
    }

    /** Sums over broadcast axes down to a target shape: the adjoint of broadcastTo. */
    public static final class SumTo extends KernelOp {
        final Shape target;

        public SumTo(Shape target) { this.target = target; }

        @Override public String name() { return "sumTo" + target; }

        public Shape target() { return target; }

        @Override public Shape outShape(Shape[] in) {
            if (!target.broadcastsTo(in[0])) throw new IllegalArgumentException("sumTo: shape " + in[0] + " cannot be reduced to " + target);
            return target;
        }

        @Override public void forwardInto(double[][] in, Shape[] s, double[] out, Shape so) {
            double[] x = in[0];
            Arrays.fill(out, 0.0);
            if (out.length == 1) {
                double acc = 0.0;
                for (double v : x) acc += v;
                out[0] = acc;
                return;
            }
            if (Broadcasting.isSuffix(so, s[0])) {   // a sum over leading axes: rows of m added in order, vectorised (RowKernels)
                int m = out.length;
                if (m > 0) RowKernels.sumRows(x, 0, out, 0, x.length / m, m);
                return;
            }
            int[] map = Broadcasting.indexMap(so, s[0]);
            for (int i = 0; i < x.length; i++) out[map[i]] += x[i];
        }

        @Override public Tensor jvp(Tensor[] in, Tensor out, Tensor[] t) {
            return t[0] == null ? null : Lanes.sumTo(t[0], target);
        }

        @Override public Tensor[] vjp(Tensor[] in, Tensor out, Tensor ct, boolean[] needs) {
            return new Tensor[] {ct.broadcastTo(in[0].shape)};
        }
    }

    /** Identity on values, zero derivative (JAX's stop_gradient); kept in traces so compiled programs keep the value. */
    public static final class StopGradient extends KernelOp {
        public static final StopGradient INSTANCE = new StopGradient();

        private StopGradient() {}

        @Override public String name() { return "stopGradient"; }

        @Override public boolean differentiable() { return false; }

        @Override public Shape outShape(Shape[] in) { return in[0]; }

        @Override public Tensor forward(Tensor[] in) { return in[0]; }

        @Override public void forwardInto(double[][] in, Shape[] s, double[] out, Shape so) {
            System.arraycopy(in[0], 0, out, 0, out.length);
        }

        @Override public Tensor jvp(Tensor[] in, Tensor out, Tensor[] t) { return null; }

        @Override public Tensor[] vjp(Tensor[] in, Tensor out, Tensor ct, boolean[] needs) { return new Tensor[1]; }
    }
}
