package dev.fluxion.autodiff;

import dev.fluxion.tensor.ElementwiseOps;
import dev.fluxion.tensor.MatMul;
import dev.fluxion.tensor.MatMulBias;
import dev.fluxion.tensor.Op;
import dev.fluxion.tensor.ShapeOps;

import java.util.ArrayList;
import java.util.List;

/**
 * Graph rewrites applied before a traced graph is compiled. Programs are only ever executed (their
 * derivatives are traced from the original function), so a rewrite needs only to keep values.
 *
 * <p>Reverse mode assembles the gradient of a sliced vector (a network's flat parameters, sliced
 * into weights and biases) as padSlice(g₁) + padSlice(g₂) + ...: several full-length zero-filled
 * buffers and adds. An add tree whose leaves are single-use padSlices along the same axis into
 * the same length becomes one {@link ShapeOps.PadSum}.
 */
final class Fusion {
    private Fusion() {}

    /** How many times each node is read: by other nodes' arguments and as a program output. */
    private static int[] uses(List<Graph.Node> nodes, int[] outputs) {
        int[] uses = new int[nodes.size()];
        for (Graph.Node node : nodes) for (int a : node.args) uses[a]++;
        for (int o : outputs) uses[o]++;
        return uses;
    }

    static List<Graph.Node> fusePadSums(List<Graph.Node> nodes, int[] outputs) {
        int n = nodes.size();
        int[] uses = uses(nodes, outputs);
        List<Graph.Node> out = new ArrayList<>(nodes);
        for (int k = 0; k < n; k++) {
            Graph.Node node = out.get(k);
            if (!isAdd(node) || !node.shape.equals(out.get(node.args[0]).shape) || !node.shape.equals(out.get(node.args[1]).shape)) continue;
            List<int[]> leaves = new ArrayList<>();   // {input node, start}
            int[] axisFull = {-1, -1};
            if (collect(out, uses, node.args[0], leaves, axisFull) && collect(out, uses, node.args[1], leaves, axisFull) && leaves.size() >= 2) {
                int[] args = new int[leaves.size()];
                int[] starts = new int[leaves.size()];
                for (int i = 0; i < args.length; i++) {
                    args[i] = leaves.get(i)[0];
                    starts[i] = leaves.get(i)[1];
                }
                out.set(k, new Graph.Node(new ShapeOps.PadSum(axisFull[0], axisFull[1], starts), args, node.shape, null, -1));
            }
        }
        return out;
    }

    /** Below this many elements a product + bias is left to ProgramCodegen, which unrolls the pair (a spiral's [2]-state f). */
    static final int BIAS_MIN = 256;

    /**
     * A matrix product used only by an add of a row vector (a Dense layer's x·Wᵀ + b on a batch)
     * becomes one {@link MatMulBias}: the bias is added as each row of the product is written.
     */
    static List<Graph.Node> fuseBias(List<Graph.Node> nodes, int[] outputs) {
        int n = nodes.size();
        int[] uses = uses(nodes, outputs);
        List<Graph.Node> out = new ArrayList<>(nodes);
        for (int k = 0; k < n; k++) {
            Graph.Node node = out.get(k);
            if (!isAdd(node) || node.shape.rank() != 2 || node.shape.size() < BIAS_MIN) continue;
            for (int side = 0; side < 2; side++) {
                int p = node.args[side], c = node.args[1 - side];
                Graph.Node prod = out.get(p), bias = out.get(c);
                if (uses[p] != 1 || !(prod.op instanceof MatMul mm) || !prod.shape.equals(node.shape)) continue;
                if (out.get(prod.args[0]).shape.rank() != 2 || out.get(prod.args[1]).shape.rank() != 2) continue;
                if (bias.shape.rank() != 1 || bias.shape.dim(0) != node.shape.dim(1)) continue;
                out.set(k, new Graph.Node(MatMulBias.of(mm.transA(), mm.transB()), new int[] {prod.args[0], prod.args[1], c}, node.shape, null, -1));
                break;
            }
        }
        return out;
    }

    private static boolean isAdd(Graph.Node node) {
        return node.op == ElementwiseOps.Binary.ADD;
    }

    /** Adds the padSlice leaves under node (used once) to leaves; false if the tree has anything else. */
    private static boolean collect(List<Graph.Node> nodes, int[] uses, int id, List<int[]> leaves, int[] axisFull) {
        Graph.Node node = nodes.get(id);
        if (uses[id] != 1) return false;
        Op op = node.op;
        if (op instanceof ShapeOps.PadSlice ps) {
            if (axisFull[0] >= 0 && (axisFull[0] != ps.axis() || axisFull[1] != ps.full())) return false;
            axisFull[0] = ps.axis();
            axisFull[1] = ps.full();
            leaves.add(new int[] {node.args[0], ps.start()});
            return true;
        }
        if (op instanceof ShapeOps.PadSum sum) {   // a subtree fused at an earlier add: absorb it
            if (axisFull[0] >= 0 && (axisFull[0] != sum.axis() || axisFull[1] != sum.full())) return false;
            axisFull[0] = sum.axis();
            axisFull[1] = sum.full();
            int[] starts = sum.starts();
            for (int i = 0; i < starts.length; i++) leaves.add(new int[] {node.args[i], starts[i]});
            return true;
        }
        if (isAdd(node) && node.shape.equals(nodes.get(node.args[0]).shape) && node.shape.equals(nodes.get(node.args[1]).shape)) {
            return collect(nodes, uses, node.args[0], leaves, axisFull) && collect(nodes, uses, node.args[1], leaves, axisFull);
        }
        return false;
    }
}
