package dev.fluxion.autodiff;

import dev.fluxion.tensor.Op;
import dev.fluxion.tensor.Shape;
import dev.fluxion.tensor.Tensor;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A traced computation: a list of nodes in execution order, each an input, a constant, or an op
 * applied to earlier nodes. Identical op applications are merged as they are recorded (common
 * subexpression elimination), which matters for derivative traces that recompute shared factors.
 */
final class Graph {
    static final class Node {
        final Op op;            // null for inputs and constants
        final int[] args;
        final Shape shape;
        final Tensor constant;  // for constants
        final int inputIndex;   // for inputs, else -1
        final int implicitIndex;   // for implicit inputs (parameters read by the function), else -1

        Node(Op op, int[] args, Shape shape, Tensor constant, int inputIndex) {
            this(op, args, shape, constant, inputIndex, -1);
        }

        Node(Op op, int[] args, Shape shape, Tensor constant, int inputIndex, int implicitIndex) {
            this.op = op;
            this.args = args;
            this.shape = shape;
            this.constant = constant;
            this.inputIndex = inputIndex;
            this.implicitIndex = implicitIndex;
        }

        boolean isInput() { return inputIndex >= 0 || implicitIndex >= 0; }

        boolean isImplicit() { return implicitIndex >= 0; }

        boolean isConstant() { return constant != null; }
    }

    final List<Node> nodes = new ArrayList<>();
    private final Map<Tensor, Integer> constants = new IdentityHashMap<>();
    private final Map<String, Integer> cse = new HashMap<>();
    int[] outputs = new int[0];
    /** Parameters read by the traced function, in the order first read: inputs after the explicit ones. */
    final List<Parameter> implicit = new ArrayList<>();
    final List<Shape> implicitShapes = new ArrayList<>();

    int input(int index, Shape shape) {
        nodes.add(new Node(null, new int[0], shape, null, index));
        return nodes.size() - 1;
    }

    /** A new implicit input standing for p's value (the caller registers each parameter once). */
    int implicitInput(Parameter p, Shape shape) {
        nodes.add(new Node(null, new int[0], shape, null, -1, implicit.size()));
        implicit.add(p);
        implicitShapes.add(shape);
        return nodes.size() - 1;
    }

    int constant(Tensor value) {
        Integer id = constants.get(value);
        if (id != null) return id;
        nodes.add(new Node(null, new int[0], value.shape(), value, -1));
        int k = nodes.size() - 1;
        constants.put(value, k);
        return k;
    }

    /** Records op(args), or returns an identical earlier application. */
    int apply(Op op, int[] args, Shape shape) {
        String key = Jit.cseKey(op);
        String full = null;
        if (key != null) {
            StringBuilder sb = new StringBuilder(key).append('|').append(op.getClass().getName());
            for (int a : args) sb.append(',').append(a);
            full = sb.toString();
            Integer hit = cse.get(full);
            if (hit != null) return hit;
        }
        nodes.add(new Node(op, args, shape, null, -1));
        int k = nodes.size() - 1;
        if (full != null) cse.put(full, k);
        return k;
    }
}
