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
 *
 * <p>Inputs are the explicit ones, then one implicit input per parameter the traced function read
 * ({@link Graph#implicit}). A run takes an implicit input from the caller when given one (an op
 * applied to the parameter's value) and otherwise reads the parameter's stored value itself, copying
 * it in only when the value object changed since the workspace's last run (tensors are immutable).
 */
final class Program {
    final Shape[] inputShapes;
    /** Number of explicit inputs; implicit input j is input explicitInputs + j. */
    final int explicitInputs;
    /** Parameters whose values are the implicit inputs, in order. */
    final Parameter[] implicit;
    final Shape[] outputShapes;
    private final int slots;
    private final int[] slotSize;
    private final double[][] constants;   // by slot, null for non-constant slots
    private final int[] inputSlot;
    private final int[] outputSlot;
    private final Kernel[] kernels;
    private final int[][] kernelArgs;
    private final int[] kernelOut;
    private final ProgramCodegen.Code code;

    Program(Graph g, Shape[] explicitShapes) {
        this.explicitInputs = explicitShapes.length;
        this.implicit = g.implicit.toArray(new Parameter[0]);
        Shape[] inputShapes = java.util.Arrays.copyOf(explicitShapes, explicitInputs + implicit.length);
        for (int j = 0; j < implicit.length; j++) inputShapes[explicitInputs + j] = g.implicitShapes.get(j);
        this.inputShapes = inputShapes;
        List<Graph.Node> nodes = Fusion.fusePadSums(g.nodes, g.outputs);
        int n = nodes.size();
        boolean[] live = new boolean[n];
        for (int o : g.outputs) live[o] = true;
        for (int k = n - 1; k >= 0; k--) {
            if (!live[k]) continue;
            for (int a : nodes.get(k).args) live[a] = true;
        }
        int[] slotOf = new int[n];
        List<Integer> sizes = new ArrayList<>();
        List<double[]> consts = new ArrayList<>();
        List<Kernel> ks = new ArrayList<>();
        List<int[]> kargs = new ArrayList<>();
        List<Integer> kout = new ArrayList<>();
        List<ProgramCodegen.Instr> instrs = new ArrayList<>();
        int[] inSlot = new int[inputShapes.length];
        java.util.Arrays.fill(inSlot, -1);
        boolean[] read = new boolean[explicitInputs];
        for (int k = 0; k < n; k++) {
            Graph.Node node = nodes.get(k);
            if (node.isInput()) {
                // inputs always get a slot, live or not, so callers can pass every argument
                slotOf[k] = sizes.size();
                sizes.add(node.shape.size());
                consts.add(null);
                inSlot[node.isImplicit() ? explicitInputs + node.implicitIndex : node.inputIndex] = slotOf[k];
                if (!node.isImplicit()) read[node.inputIndex] = live[k];
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
                in[i] = nodes.get(node.args[i]).shape;
                args[i] = slotOf[node.args[i]];
            }
            ks.add(op.kernel(in, node.shape));
            kargs.add(args);
            kout.add(slotOf[k]);
            instrs.add(new ProgramCodegen.Instr(op, in, node.shape, args, slotOf[k]));
        }
        for (int i = 0; i < inSlot.length; i++) {
            if (inSlot[i] < 0) {   // an argument the trace never saw (cannot happen for traced inputs; kept safe)
                inSlot[i] = sizes.size();
                sizes.add(inputShapes[i].size());
                consts.add(null);
            }
        }
        this.explicitRead = read;
        this.slots = sizes.size();
        this.slotSize = sizes.stream().mapToInt(Integer::intValue).toArray();
        this.constants = consts.toArray(new double[0][]);
        this.inputSlot = inSlot;
        this.outputSlot = new int[g.outputs.length];
        this.outputShapes = new Shape[g.outputs.length];
        for (int i = 0; i < g.outputs.length; i++) {
            outputSlot[i] = slotOf[g.outputs[i]];
            outputShapes[i] = nodes.get(g.outputs[i]).shape;
        }
        this.kernels = ks.toArray(new Kernel[0]);
        this.kernelArgs = kargs.toArray(new int[0][]);
        this.kernelOut = kout.stream().mapToInt(Integer::intValue).toArray();
        ProgramCodegen.Instr[] all = instrs.toArray(new ProgramCodegen.Instr[0]);
        this.code = GENERATE ? ProgramCodegen.generate(all, outputSlot) : null;
        // Generated code reads every buffer through buf[slot] at each run, so when no instruction is
        // left to a kernel (whose operand arrays are fixed per workspace), arguments and results can
        // be the caller's own arrays: no copies in or out.
        boolean direct = code != null && ProgramCodegen.allUnrolled(all);
        java.util.Set<Integer> ins = new java.util.HashSet<>();
        for (int sl : inputSlot) ins.add(sl);
        for (int o : outputSlot) if (ins.contains(o) || constants[o] != null) direct = false;
        this.directIO = direct;
    }

    /** Per explicit input, whether a live op (or an output) reads it. */
    private final boolean[] explicitRead;

    /** Whether explicit input i is read at all: false when the traced function ignores that argument (an autonomous f's t). */
    boolean reads(int i) { return explicitRead[i]; }

    /** Whether runs pass arguments and results by reference (see the constructor). */
    private final boolean directIO;

    /** Bytecode generation can be turned off (-Dfluxion.codegen=false) to run the kernel interpreter. */
    static final boolean GENERATE = !"false".equals(System.getProperty("fluxion.codegen"));

    /** Whether this program runs generated bytecode (else the kernel interpreter). */
    boolean generated() { return code != null; }

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

        /** Direct mode: copies of arguments given at an offset (see run(inputs, offsets)). */
        private final double[][] staging = new double[inputSlot.length][];

        /** Arguments bound once (a solve's parameters): run() leaves their buffers alone. */
        private final boolean[] bound = new boolean[inputSlot.length];

        /** Copies value into argument i's buffer once; later runs skip that argument. */
        void bind(int i, double[] value) {
            // in direct mode the slot may hold a caller's array from an earlier run: never write into it
            if (directIO) buf[inputSlot[i]] = value.clone();
            else System.arraycopy(value, 0, buf[inputSlot[i]], 0, value.length);
            bound[i] = true;
        }

        /** Every argument read from position 0. */
        private final int[] zeroOffsets = new int[inputSlot.length];

        /** The stored value of each implicit input's parameter at the last copy-in (null: copy at the next run). */
        private final Tensor[] seen = new Tensor[implicit.length];

        /**
         * Implicit inputs not given by the caller (absent or null in inputs) are bound to their
         * parameters' stored plain values, copied only when a value object changed.
         */
        private void refreshImplicit(double[][] inputs) {
            for (int j = 0; j < implicit.length; j++) {
                int i = explicitInputs + j;
                if (i < inputs.length && inputs[i] != null) {   // given: read like an explicit argument
                    bound[i] = false;
                    seen[j] = null;
                    continue;
                }
                Tensor v = implicit[j].stored();
                if (v != seen[j]) {
                    bind(i, v.primal().unsafeData());
                    seen[j] = v;
                }
            }
        }

        /** Copies the arguments in (except bound ones) and runs every kernel. */
        void run(double[][] inputs) {
            run(inputs, zeroOffsets);
        }

        /**
         * As run, argument i read from inputs[i] starting at offsets[i] (views into larger arrays;
         * implicit inputs given by the caller, from 0 when offsets is shorter).
         * In direct mode the generated code reads indices below a slot's size only, so an argument
         * starting at 0 is passed by reference however long its array; one at an offset is copied
         * into a staging array of the workspace's own, and every run's results are fresh arrays.
         */
        void run(double[][] inputs, int[] offsets) {
            if (implicit.length > 0) refreshImplicit(inputs);
            for (int i = 0; i < inputSlot.length; i++) {
                if (bound[i]) continue;
                int size = slotSize[inputSlot[i]];
                double[] src = inputs[i];
                int off = i < offsets.length ? offsets[i] : 0;
                if (directIO) {
                    if (off == 0 && src.length >= size) {
                        buf[inputSlot[i]] = src;
                        continue;
                    }
                    if (staging[i] == null) staging[i] = new double[size];
                    buf[inputSlot[i]] = staging[i];
                }
                double[] dst = buf[inputSlot[i]];
                if (size <= 8) {   // System.arraycopy's fixed cost dominates tiny copies
                    for (int j = 0; j < size; j++) dst[j] = src[off + j];
                } else {
                    System.arraycopy(src, off, dst, 0, size);
                }
            }
            if (directIO) for (int o = 0; o < outputSlot.length; o++) buf[outputSlot[o]] = new double[slotSize[outputSlot[o]]];
            execute();
        }

        private void execute() {
            if (code != null) {
                code.run(buf, args, kernels);
                return;
            }
            Kernel[] ks = kernels;
            for (int k = 0; k < ks.length; k++) ks[k].run(args[k], outs[k]);
        }

        /** A fresh copy of output i after run. */
        double[] output(int i) {
            double[] src = buf[outputSlot[i]];
            if (directIO) return src;   // a fresh array per run already
            int len = src.length;
            if (len > 8) return src.clone();
            double[] r = new double[len];
            for (int j = 0; j < len; j++) r[j] = src[j];
            return r;
        }

        void copyOutput(int i, double[] dst, int offset) {
            double[] src = buf[outputSlot[i]];
            System.arraycopy(src, 0, dst, offset, src.length);
        }

        Tensor outputTensor(int i) {
            return Tensor.unsafeWrap(outputShapes[i], output(i));
        }
    }
}
