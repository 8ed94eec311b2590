package dev.fluxion.autodiff;

import dev.fluxion.tensor.Kernel;
import dev.fluxion.tensor.Op;
import dev.fluxion.tensor.Shape;
import dev.fluxion.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * A traced graph compiled into a flat register program: every live node gets a preallocated
 * buffer, every op becomes a kernel bound to its shapes, and running the program is a loop over
 * kernels with no allocation. Reshapes and stop-gradients alias their input's buffer.
 * Immutable; each thread runs it through a {@link Workspace} of its own.
 */
final class Program {
    final Shape[] inputShapes;
    final Shape[] outputShapes;
    private final int slots;
    private final int[] slotSize;
    private final double[][] constants;   // by slot, null for non-constant slots
    private final int[] inputSlot;
    private final int[] outputSlot;
    private final Kernel[] kernels;
    private final int[][] kernelArgs;
    private final int[] kernelOut;

    Program(Graph g, Shape[] inputShapes) {
        this.inputShapes = inputShapes;
        int n = g.nodes.size();
        boolean[] live = new boolean[n];
        for (int o : g.outputs) live[o] = true;
        for (int k = n - 1; k >= 0; k--) {
            if (!live[k]) continue;
            for (int a : g.nodes.get(k).args) live[a] = true;
        }
        int[] slotOf = new int[n];
        List<Integer> sizes = new ArrayList<>();
        List<double[]> consts = new ArrayList<>();
        List<Kernel> ks = new ArrayList<>();
        List<int[]> kargs = new ArrayList<>();
        List<Integer> kout = new ArrayList<>();
        int[] inSlot = new int[inputShapes.length];
        java.util.Arrays.fill(inSlot, -1);
        for (int k = 0; k < n; k++) {
            Graph.Node node = g.nodes.get(k);
            if (node.isInput()) {
                // inputs always get a slot, live or not, so callers can pass every argument
                slotOf[k] = sizes.size();
                sizes.add(node.shape.size());
                consts.add(null);
                inSlot[node.inputIndex] = slotOf[k];
                continue;
            }
            if (!live[k]) continue;
            if (node.isConstant()) {
                slotOf[k] = sizes.size();
                sizes.add(node.shape.size());
                consts.add(node.constant.unsafeData());
                continue;
            }
            Op op = node.op;
            if (Jit.aliasesInput(op)) {
                slotOf[k] = slotOf[node.args[0]];
                continue;
            }
            slotOf[k] = sizes.size();
            sizes.add(node.shape.size());
            consts.add(null);
            Shape[] in = new Shape[node.args.length];
            int[] args = new int[node.args.length];
            for (int i = 0; i < in.length; i++) {
                in[i] = g.nodes.get(node.args[i]).shape;
                args[i] = slotOf[node.args[i]];
            }
            ks.add(op.kernel(in, node.shape));
            kargs.add(args);
            kout.add(slotOf[k]);
        }
        for (int i = 0; i < inSlot.length; i++) {
            if (inSlot[i] < 0) {   // an argument the trace never saw (cannot happen for traced inputs; kept safe)
                inSlot[i] = sizes.size();
                sizes.add(inputShapes[i].size());
                consts.add(null);
            }
        }
        this.slots = sizes.size();
        this.slotSize = sizes.stream().mapToInt(Integer::intValue).toArray();
        this.constants = consts.toArray(new double[0][]);
        this.inputSlot = inSlot;
        this.outputSlot = new int[g.outputs.length];
        this.outputShapes = new Shape[g.outputs.length];
        for (int i = 0; i < g.outputs.length; i++) {
            outputSlot[i] = slotOf[g.outputs[i]];
            outputShapes[i] = g.nodes.get(g.outputs[i]).shape;
        }
        this.kernels = ks.toArray(new Kernel[0]);
        this.kernelArgs = kargs.toArray(new int[0][]);
        this.kernelOut = kout.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Number of kernels executed per run. */
    int length() { return kernels.length; }

    Workspace workspace() { return new Workspace(); }

    /** Buffers for one thread's runs of this program. */
    final class Workspace {
        final double[][] buf = new double[slots][];
        private final double[][][] args = new double[kernels.length][][];
        private final double[][] outs = new double[kernels.length][];

        Workspace() {
            for (int s = 0; s < slots; s++) buf[s] = constants[s] != null ? constants[s] : new double[slotSize[s]];
            for (int k = 0; k < kernels.length; k++) {
                int[] a = kernelArgs[k];
                double[][] x = new double[a.length][];
                for (int i = 0; i < a.length; i++) x[i] = buf[a[i]];
                args[k] = x;
                outs[k] = buf[kernelOut[k]];
            }
        }

        /** Copies the arguments in and runs every kernel. */
        void run(double[][] inputs) {
            for (int i = 0; i < inputSlot.length; i++) {
                double[] src = inputs[i];
                System.arraycopy(src, 0, buf[inputSlot[i]], 0, src.length);
            }
            Kernel[] ks = kernels;
            for (int k = 0; k < ks.length; k++) ks[k].run(args[k], outs[k]);
        }

        /** A fresh copy of output i after run. */
        double[] output(int i) {
            return buf[outputSlot[i]].clone();
        }

        Tensor outputTensor(int i) {
            return Tensor.unsafeWrap(outputShapes[i], output(i));
        }
    }
}
