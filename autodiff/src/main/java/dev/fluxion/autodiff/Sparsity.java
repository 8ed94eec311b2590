package dev.fluxion.autodiff;

import dev.fluxion.tensor.Broadcasting;
import dev.fluxion.tensor.ElementwiseOps;
import dev.fluxion.tensor.LinearCombination;
import dev.fluxion.tensor.MatMul;
import dev.fluxion.tensor.Op;
import dev.fluxion.tensor.ReductionOps;
import dev.fluxion.tensor.Shape;
import dev.fluxion.tensor.ShapeOps;

import java.util.Arrays;
import java.util.List;

/**
 * The Jacobian sparsity pattern of a traced function, by dependency propagation through its graph
 * (the structural analysis of sparsity-detecting AD, e.g. Griewank &amp; Walther, Evaluating
 * Derivatives, 2nd ed. 2008, §7.1, and Julia's SparseConnectivityTracer): each node carries, per
 * element, the set of input elements it depends on differentiably, and each op maps its inputs'
 * sets to its output's:
 * <ul>
 *   <li>elementwise ops (with broadcasting), where and linear combinations: the union of the
 *       elements each output element reads; comparisons, sign and stop-gradient carry nothing, and
 *       neither does a product with a constant zero (x·0, an element of a constant mask) or x⁰;</li>
 *   <li>ops that only move elements (reshape, transpose, slice, pad, concat, broadcast): found
 *       exactly by running the op's kernel once on inputs holding their own element numbers;</li>
 *   <li>sums and maxima over axes, sum-to, pad-sums: each output element, the union over the
 *       elements it reduces;</li>
 *   <li>2-D matrix products: out_ij reads a_ik and b_kj for every k, except through a zero entry of
 *       a constant factor (a constant stencil matrix keeps its band);</li>
 *   <li>every other op (solves, determinants, custom ops, nested compiled functions, batched
 *       products) is conservative: each output element depends on every element of every input.</li>
 * </ul>
 * The result never misses a dependency; it may keep an entry that is zero at every point
 * (x − x, say), which costs a lane of work at most.
 */
final class Sparsity {
    private Sparsity() {}

    private static final int[] NONE = new int[0];

    /** The pattern of output 0 of g with respect to explicit input `argument` (rows: output elements). */
    static SparsityPattern of(Graph g, int argument) {
        List<Graph.Node> nodes = g.nodes;
        int[][][] deps = new int[nodes.size()][][];
        int inputSize = -1;
        boolean[] live = new boolean[nodes.size()];
        for (int o : g.outputs) live[o] = true;
        for (int k = nodes.size() - 1; k >= 0; k--) if (live[k]) for (int a : nodes.get(k).args) live[a] = true;
        for (int k = 0; k < nodes.size(); k++) {
            Graph.Node node = nodes.get(k);
            if (node.isInput() && node.inputIndex == argument) {
                inputSize = node.shape.size();
                int[][] d = new int[inputSize][];
                for (int i = 0; i < inputSize; i++) d[i] = new int[] {i};
                deps[k] = d;
            } else if (node.isInput() || node.isConstant() || !live[k]) {
                deps[k] = empty(node.shape.size());
            } else {
                deps[k] = propagate(node, nodes, deps);
            }
        }
        if (inputSize < 0) throw new IllegalArgumentException("the traced function has no argument " + argument);
        return SparsityPattern.ofRows(inputSize, deps[g.outputs[0]]);
    }

    private static int[][] empty(int size) {
        int[][] d = new int[size][];
        Arrays.fill(d, NONE);
        return d;
    }

    private static int[][] propagate(Graph.Node node, List<Graph.Node> nodes, int[][][] deps) {
        Op op = node.op;
        int size = node.shape.size();
        int[] a = node.args;
        Shape[] in = new Shape[a.length];
        for (int i = 0; i < a.length; i++) in[i] = nodes.get(a[i]).shape;
        if (!op.differentiable()) return empty(size);
        if (op instanceof ElementwiseOps.ScalarOp s) {
            boolean zero = s.kind() == ElementwiseOps.ScalarKind.MUL && s.constant() == 0.0
                    || s.kind() == ElementwiseOps.ScalarKind.POW && s.constant() == 0.0;
            return zero ? empty(size) : deps[a[0]];
        }
        if (op instanceof ElementwiseOps.Unary) return deps[a[0]];
        if (op instanceof ElementwiseOps.Binary) {
            double[][] constants = new double[2][];
            if (op == ElementwiseOps.Binary.MUL) {
                for (int i = 0; i < 2; i++) if (nodes.get(a[i]).isConstant()) constants[i] = nodes.get(a[i]).constant.unsafeData();
            }
            int[] m0 = Broadcasting.indexMap(in[0], node.shape), m1 = Broadcasting.indexMap(in[1], node.shape);
            int[][] d0 = deps[a[0]], d1 = deps[a[1]];
            int[][] out = new int[size][];
            for (int k = 0; k < size; k++) {
                // x·c with a constant c: no dependency on x where c is zero
                boolean use0 = constants[1] == null || constants[1][m1[k]] != 0.0;
                boolean use1 = constants[0] == null || constants[0][m0[k]] != 0.0;
                out[k] = union(use0 ? d0[m0[k]] : NONE, use1 ? d1[m1[k]] : NONE);
            }
            return out;
        }
        if (op instanceof ElementwiseOps.Where) {
            Graph.Node cond = nodes.get(a[0]);
            double[] cv = cond.isConstant() ? cond.constant.unsafeData() : null;
            int[] mc = Broadcasting.indexMap(in[0], node.shape);
            int[] m1 = Broadcasting.indexMap(in[1], node.shape), m2 = Broadcasting.indexMap(in[2], node.shape);
            int[][] out = new int[size][];
            for (int k = 0; k < size; k++) {
                if (cv == null) out[k] = union(deps[a[1]][m1[k]], deps[a[2]][m2[k]]);
                else out[k] = cv[mc[k]] != 0.0 ? deps[a[1]][m1[k]] : deps[a[2]][m2[k]];
            }
            return out;
        }
        if (op instanceof LinearCombination lc) {
            double[] c = lc.coefficients();
            int[][] out = new int[size][];
            for (int k = 0; k < size; k++) {
                int[] acc = NONE;
                for (int i = 0; i < a.length; i++) if (c[i] != 0.0) acc = union(acc, deps[a[i]][k]);
                out[k] = acc;
            }
            return out;
        }
        if (op instanceof ShapeOps.Reshape || op instanceof ShapeOps.Transpose || op instanceof ShapeOps.Slice
                || op instanceof ShapeOps.PadSlice || op instanceof ShapeOps.Concat || op instanceof ShapeOps.BroadcastTo
                || op instanceof ShapeOps.PadSum) {
            return moved(op, in, node.shape, a, deps);
        }
        if (op instanceof ReductionOps.SumAll) return reduce(deps[a[0]], new int[in[0].size()], 1);
        if (op instanceof ShapeOps.SumTo st) return reduce(deps[a[0]], Broadcasting.indexMap(st.target(), in[0]), size);
        if (op instanceof ReductionOps.SumAxis s) return reduce(deps[a[0]], axisMap(in[0], s.axis()), size);
        if (op instanceof ReductionOps.Max m) {
            return m.axis() < 0 ? reduce(deps[a[0]], new int[in[0].size()], 1) : reduce(deps[a[0]], axisMap(in[0], m.axis()), size);
        }
        if (op instanceof MatMul mm && in[0].rank() == 2 && in[1].rank() == 2) return matmul(mm, node, nodes, in, deps);
        // anything else mixes: every output element reads every input element
        int[] all = NONE;
        for (int x : a) for (int[] d : deps[x]) all = union(all, d);
        int[][] out = new int[size][];
        Arrays.fill(out, all);
        return out;
    }

    /**
     * An op that only moves elements (or adds disjoint pieces, as pad-sums do), found by running its
     * kernel on element numbers: input i's element e holds a code (offset_i + e + 1); an output
     * holding code c came from that element, one holding 0 from none. Pad-sums add their pieces, so
     * each input is probed alone.
     */
    private static int[][] moved(Op op, Shape[] in, Shape outShape, int[] a, int[][][] deps) {
        int size = outShape.size();
        int[][] out = empty(size);
        boolean separately = op instanceof ShapeOps.PadSum;
        int[] offsets = new int[in.length + 1];
        for (int i = 0; i < in.length; i++) offsets[i + 1] = offsets[i] + in[i].size();
        var kernel = op.kernel(in, outShape);
        for (int probe = 0; probe < (separately ? in.length : 1); probe++) {
            double[][] buffers = new double[in.length][];
            for (int i = 0; i < in.length; i++) {
                buffers[i] = new double[in[i].size()];
                if (!separately || i == probe) for (int e = 0; e < buffers[i].length; e++) buffers[i][e] = offsets[i] + e + 1;
            }
            double[] o = new double[size];
            kernel.run(buffers, o);
            for (int k = 0; k < size; k++) {
                if (o[k] == 0.0) continue;
                int code = (int) o[k] - 1;
                int i = 0;
                while (code >= offsets[i + 1]) i++;
                out[k] = union(out[k], deps[a[i]][code - offsets[i]]);
            }
        }
        return out;
    }

    /** Output element of each input element when summing out an axis (keepDims or not: same flat order). */
    private static int[] axisMap(Shape s, int axis) {
        int outer = 1, inner = 1, n = s.dim(axis);
        for (int i = 0; i < axis; i++) outer *= s.dim(i);
        for (int i = axis + 1; i < s.rank(); i++) inner *= s.dim(i);
        int[] map = new int[s.size()];
        for (int o = 0; o < outer; o++) for (int x = 0; x < n; x++) for (int i = 0; i < inner; i++) map[(o * n + x) * inner + i] = o * inner + i;
        return map;
    }

    /** Output k depends on the union of the inputs e with map[e] = k. */
    private static int[][] reduce(int[][] d, int[] map, int size) {
        int[][] out = empty(size);
        for (int e = 0; e < map.length; e++) out[map[e]] = union(out[map[e]], d[e]);
        return out;
    }

    private static int[][] matmul(MatMul mm, Graph.Node node, List<Graph.Node> nodes, Shape[] in, int[][][] deps) {
        Graph.Node na = nodes.get(node.args[0]), nb = nodes.get(node.args[1]);
        double[] av = na.isConstant() ? na.constant.unsafeData() : null, bv = nb.isConstant() ? nb.constant.unsafeData() : null;
        int[][] da = deps[node.args[0]], db = deps[node.args[1]];
        int m = node.shape.dim(0), n = node.shape.dim(1);
        int k = mm.transA() ? in[0].dim(0) : in[0].dim(1);
        int aCols = in[0].dim(1), bCols = in[1].dim(1);
        int[][] out = new int[m * n][];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                int[] acc = NONE;
                for (int q = 0; q < k; q++) {
                    int ai = mm.transA() ? q * aCols + i : i * aCols + q;
                    int bi = mm.transB() ? j * bCols + q : q * bCols + j;
                    if (av == null || av[ai] != 0.0) acc = union(acc, db[bi]);   // ∂/∂b_qj = a_iq
                    if (bv == null || bv[bi] != 0.0) acc = union(acc, da[ai]);   // ∂/∂a_iq = b_qj
                }
                out[i * n + j] = acc;
            }
        }
        return out;
    }

    /** The union of two ascending sets (one of them returned when the other adds nothing). */
    static int[] union(int[] x, int[] y) {
        if (y.length == 0 || x == y) return x;
        if (x.length == 0) return y;
        int[] r = new int[x.length + y.length];
        int i = 0, j = 0, k = 0;
        while (i < x.length && j < y.length) {
            if (x[i] < y[j]) r[k++] = x[i++];
            else if (x[i] > y[j]) r[k++] = y[j++];
            else { r[k++] = x[i++]; j++; }
        }
        while (i < x.length) r[k++] = x[i++];
        while (j < y.length) r[k++] = y[j++];
        if (k == x.length) return x;
        if (k == y.length) return y;
        return Arrays.copyOf(r, k);
    }
}
