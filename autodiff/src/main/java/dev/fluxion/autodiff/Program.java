package dev.fluxion.autodiff;

import dev.fluxion.tensor.Kernel;
import dev.fluxion.tensor.Op;
import dev.fluxion.tensor.RowPool;
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
        this(g, explicitShapes, true);
    }

    /** A program of g; splittable: whether it may run split over the cores by rows ({@link RowSplit}; a chunk's own program may not). */
    Program(Graph g, Shape[] explicitShapes, boolean splittable) {
        this.explicitInputs = explicitShapes.length;
        this.implicit = g.implicit.toArray(new Parameter[0]);
        Shape[] inputShapes = java.util.Arrays.copyOf(explicitShapes, explicitInputs + implicit.length);
        for (int j = 0; j < implicit.length; j++) inputShapes[explicitInputs + j] = g.implicitShapes.get(j);
        this.inputShapes = inputShapes;
        List<Graph.Node> nodes = Fusion.fuseBias(Fusion.fusePadSums(g.nodes, g.outputs), g.outputs);
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
        int[] outSlots = new int[g.outputs.length];
        for (int i = 0; i < outSlots.length; i++) outSlots[i] = slotOf[g.outputs[i]];
        ownOutputs(nodes, g.outputs, outSlots, inSlot, sizes, consts, ks, kargs, kout, instrs);
        this.explicitRead = read;
        this.slots = sizes.size();
        this.slotSize = sizes.stream().mapToInt(Integer::intValue).toArray();
        this.constants = consts.toArray(new double[0][]);
        this.inputSlot = inSlot;
        this.outputSlot = new int[g.outputs.length];
        this.outputShapes = new Shape[g.outputs.length];
        for (int i = 0; i < g.outputs.length; i++) {
            outputSlot[i] = outSlots[i];
            outputShapes[i] = nodes.get(g.outputs[i]).shape;
        }
        this.kernels = ks.toArray(new Kernel[0]);
        this.kernelArgs = kargs.toArray(new int[0][]);
        this.kernelOut = kout.stream().mapToInt(Integer::intValue).toArray();
        ProgramCodegen.Instr[] all = instrs.toArray(new ProgramCodegen.Instr[0]);
        // Generated code reads every buffer through buf[slot] at each run, so when no instruction is
        // left to a kernel (whose operand arrays are fixed per workspace), arguments and results can
        // be the caller's own arrays: no copies in or out.
        boolean direct = GENERATE && ProgramCodegen.allUnrolled(all);
        java.util.Set<Integer> ins = new java.util.HashSet<>();
        for (int sl : inputSlot) ins.add(sl);
        java.util.Set<Integer> outs = new java.util.HashSet<>();
        boolean distinct = true;
        for (int o : outputSlot) {
            if (ins.contains(o) || constants[o] != null) direct = false;
            distinct &= outs.add(o);
        }
        this.code = GENERATE ? ProgramCodegen.generate(all, outputSlot, java.util.Arrays.copyOf(inputSlot, explicitInputs), direct && distinct) : null;
        this.directIO = code != null && direct;
        this.directCall = directIO && distinct;
        this.inputSize = new int[explicitInputs];
        for (int i = 0; i < explicitInputs; i++) inputSize[i] = slotSize[inputSlot[i]];
        this.outputSize = new int[outputSlot.length];
        for (int o = 0; o < outputSlot.length; o++) outputSize[o] = slotSize[outputSlot[o]];
        // programs small enough to be unrolled pass arrays by reference and never split
        this.split = splittable && !directIO ? RowSplit.of(g, nodes, live, inputShapes, explicitInputs) : null;
    }

    /**
     * Gives each small output that is a constant, an input or an earlier output's slot a copy of its
     * own (an instruction), when every instruction is unrolled: the direct entries write each output
     * into the caller's array and so need every output computed into a slot of its own. The case is
     * a VJP program whose cotangent of some argument is structurally zero (a diffusion g(u) = 0.1·u
     * that does not read p) or the cotangent itself (an identity); without the copy such a program
     * ran through the copying path on every call. Larger outputs, or a program with a kernel call
     * left, keep the shared slot (no direct entry either way).
     */
    private static void ownOutputs(List<Graph.Node> nodes, int[] outputs, int[] outSlots, int[] inSlot, List<Integer> sizes,
                                   List<double[]> consts, List<Kernel> ks, List<int[]> kargs, List<Integer> kout,
                                   List<ProgramCodegen.Instr> instrs) {
        if (!GENERATE || !ProgramCodegen.allUnrolled(instrs.toArray(new ProgramCodegen.Instr[0]))) return;
        java.util.Set<Integer> taken = new java.util.HashSet<>();
        for (int sl : inSlot) taken.add(sl);
        for (int i = 0; i < outSlots.length; i++) {
            int sl = outSlots[i];
            boolean own = consts.get(sl) == null && taken.add(sl);
            if (own || sizes.get(sl) > ProgramCodegen.UNROLL_LIMIT) continue;
            Shape shape = nodes.get(outputs[i]).shape;
            Op copy = new dev.fluxion.tensor.ShapeOps.BroadcastTo(shape);   // to its own shape: a copy
            Shape[] in = {shape};
            int slot = sizes.size();
            sizes.add(shape.size());
            consts.add(null);
            ks.add(copy.kernel(in, shape));
            kargs.add(new int[] {sl});
            kout.add(slot);
            instrs.add(new ProgramCodegen.Instr(copy, in, shape, new int[] {sl}, slot));
            outSlots[i] = slot;
            taken.add(slot);
        }
    }

    /** How the program runs over the cores by rows, or null when it runs whole (see {@link RowSplit}). */
    final RowSplit split;

    /**
     * Whether the generated code has direct entries ({@link ProgramCodegen.Code#call}): every
     * instruction unrolled, outputs in distinct slots of their own. Then {@link Workspace#runInto}
     * passes the caller's arrays straight to the arithmetic.
     */
    private final boolean directCall;
    /** Whether runInto reaches the generated code's direct entries (see {@link #directCall}): for specs. */
    boolean direct() { return directCall; }

    /** Elements of each explicit input and of each output. */
    private final int[] inputSize, outputSize;

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

        /**
         * With a split: per slot (the thread running a chunk, {@link RowPool}), a workspace for each
         * of the chunks' programs and its arguments' offsets, reused by every chunk that slot runs.
         */
        private final Workspace[][] sub;
        private final int[][] subOffsets;
        private final RowPool.SlotChunk runChunk;
        /** Per reduced output, each chunk's value, summed in chunk order after the run (null for other outputs). */
        private final double[][][] partial;
        /** The current split run's arguments as the chunks read them (from runBase, plus the chunk's rows), and its output arrays. */
        private final double[][] chunkArgs;
        private final int[] runBase;
        private final double[][] chunkDst;

        Workspace() {
            boolean[] io = new boolean[slots];
            for (int sl : inputSlot) io[sl] = true;
            for (int sl : outputSlot) io[sl] = true;
            // a split program's own buffers hold arguments and results only; the chunks compute
            for (int s = 0; s < slots; s++) buf[s] = constants[s] != null ? constants[s] : split == null || io[s] ? new double[slotSize[s]] : null;
            if (split != null) {
                sub = new Workspace[split.slots][split.programs.length];
                for (Workspace[] perSlot : sub) {
                    for (int p = 0; p < perSlot.length; p++) perSlot[p] = split.programs[p].workspace();
                }
                subOffsets = new int[split.slots][inputSlot.length];
                partial = new double[outputSlot.length][][];
                for (int o = 0; o < partial.length; o++) {
                    if (split.outputKind[o] == RowSplit.REDUCED) partial[o] = new double[split.chunks][outputSize[o]];
                }
                chunkArgs = new double[inputSlot.length][];
                runBase = new int[inputSlot.length];
                chunkDst = new double[outputSlot.length][];
                runChunk = this::runChunk;
            } else {
                sub = null;
                subOffsets = null;
                partial = null;
                chunkArgs = null;
                runBase = null;
                chunkDst = null;
                runChunk = null;
            }
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
            if (sub != null && split.inputKind[i] != RowSplit.BATCHED) {
                // free: every slot's programs keep a copy; batched: the chunks read their rows of this workspace's copy
                for (Workspace[] perSlot : sub) for (Workspace w : perSlot) w.bind(i, value);
            }
            // in direct mode the slot may hold a caller's array from an earlier run: never write into it
            if (directIO) buf[inputSlot[i]] = value.clone();
            else System.arraycopy(value, 0, buf[inputSlot[i]], 0, value.length);
            bound[i] = true;
            if (i < explicitInputs) anyExplicitBound = true;
        }

        /** Whether some explicit argument is bound (runInto then reads it from its bound copy). */
        private boolean anyExplicitBound;

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
            if (sub != null) {
                runSplit(inputs, offsets);
                return;
            }
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

        /**
         * Runs each chunk on its rows (in parallel, {@link RowPool}: the threads take the chunks in
         * turn, each on its slot's workspaces) and gathers the results: each chunk copies its rows
         * of the batched outputs and, chunk 0, the free ones; reduced ones are summed here in chunk
         * order. Implicit inputs are refreshed by the slots' workspaces; bound free ones were bound
         * there, bound batched ones are read from this workspace's copy.
         */
        private void runSplit(double[][] inputs, int[] offsets) {
            for (int i = 0; i < inputSlot.length; i++) {
                if (bound[i]) {
                    chunkArgs[i] = split.inputKind[i] == RowSplit.BATCHED ? buf[inputSlot[i]] : null;
                    runBase[i] = 0;
                } else {
                    chunkArgs[i] = i < inputs.length ? inputs[i] : null;
                    runBase[i] = i < offsets.length ? offsets[i] : 0;
                }
            }
            double[][] to = gatherTo;
            for (int o = 0; o < outputSlot.length; o++) chunkDst[o] = to != null ? to[o] : buf[outputSlot[o]];
            try {
                RowPool.run(split.chunks, split.slots, runChunk);
                for (int o = 0; o < outputSlot.length; o++) {
                    if (partial[o] == null) continue;
                    double[] dst = chunkDst[o];
                    double[][] part = partial[o];
                    int len = outputSize[o];
                    System.arraycopy(part[0], 0, dst, 0, len);
                    for (int c = 1; c < part.length; c++) {
                        double[] x = part[c];
                        for (int j = 0; j < len; j++) dst[j] += x[j];
                    }
                }
            } finally {
                java.util.Arrays.fill(chunkArgs, null);
                java.util.Arrays.fill(chunkDst, null);
            }
        }

        /** Chunk c of the current split run, on slot s's workspace: runs it and copies its outputs out. */
        private void runChunk(int c, int s) {
            Workspace w = sub[s][split.programOf[c]];
            int[] off = subOffsets[s];
            int from = split.from(c), rows = split.to(c) - from;
            for (int i = 0; i < off.length; i++) off[i] = split.inputKind[i] == RowSplit.BATCHED ? runBase[i] + from * split.inputWidth[i] : runBase[i];
            w.run(chunkArgs, off);
            for (int o = 0; o < outputSlot.length; o++) {
                double[] dst = chunkDst[o];
                switch (split.outputKind[o]) {
                    case RowSplit.BATCHED -> {
                        int width = split.outputWidth[o];
                        System.arraycopy(w.buf[w.outSlot(o)], 0, dst, from * width, rows * width);
                    }
                    case RowSplit.REDUCED -> System.arraycopy(w.buf[w.outSlot(o)], 0, partial[o][c], 0, outputSize[o]);
                    default -> {
                        if (c != 0) break;
                        double[] src = constants[outputSlot[o]] != null ? constants[outputSlot[o]] : w.buf[w.outSlot(o)];
                        if (src != dst) System.arraycopy(src, 0, dst, 0, outputSize[o]);
                    }
                }
            }
        }

        int rowChunks() { return split == null ? 1 : split.chunks; }

        /** The slot of output o in this workspace's program. */
        private int outSlot(int o) { return outputSlot[o]; }

        private void execute() {
            if (code != null) {
                code.run(buf, args, kernels);
                return;
            }
            Kernel[] ks = kernels;
            for (int k = 0; k < ks.length; k++) ks[k].run(args[k], outs[k]);
        }

        /** The argument array of {@link #runInto} when some explicit argument is bound: the caller's references, the bound values preset. */
        private double[][] callArgs;

        /**
         * Runs on args and writes output 0 into out from offset: the hot-loop entry for a program
         * with one output (a right-hand side). Explicit argument i is args[i] (at least as long as
         * its compiled shape, read from 0; ignored when bound); implicit inputs as in
         * {@link #run(double[][])}. With the direct entry ({@link #directCall}) arguments and
         * result are passed by reference to the generated arithmetic: nothing is copied, allocated
         * or stored but the result itself, and nothing is checked beforehand either: an argument
         * or out too short (or missing) fails inside the generated code, which is reported as an
         * IllegalArgumentException naming the lengths (out may then hold part of the result).
         * Else the program runs as {@link #run} does and output 0 is copied out. out must not be
         * one of the arguments (an element written early would be read later), and the results of
         * earlier {@link #output} calls are left alone.
         */
        void runInto(double[][] args, double[] out, int offset) {
            if (directCall && outputSlot.length == 1) {
                try {
                    code.call(buf, directArgs(args), out, offset);
                    return;
                } catch (ArrayIndexOutOfBoundsException | NullPointerException e) {
                    throw badArrays(args, new double[][] {out}, offset, e);
                }
            }
            if (outputSlot.length != 1) throw new IllegalStateException("runInto(args, out, offset) needs a program with one output, this one has " + outputSlot.length);
            if (offset < 0 || out.length - offset < outputSize[0]) {
                throw new IllegalArgumentException("runInto: output 0 needs " + outputSize[0] + " values from " + offset + ", its array has " + out.length);
            }
            runChecked(args, new double[][] {out}, offset);
            System.arraycopy(buf[outputSlot[0]], 0, out, offset, outputSize[0]);
        }

        /** run, with a failure from arrays too short or missing reported as badArrays does. */
        private void runChecked(double[][] args, double[][] outs, int offset) {
            try {
                run(args);
            } catch (ArrayIndexOutOfBoundsException | NullPointerException e) {
                throw badArrays(args, outs, offset, e);
            }
        }

        /** As {@link #runInto(double[][], double[], int)} for any number of outputs, output o written into outs[o] from 0. */
        void runInto(double[][] args, double[][] outs) {
            if (directCall) {
                try {
                    code.callAll(buf, directArgs(args), outs);
                    return;
                } catch (ArrayIndexOutOfBoundsException | NullPointerException e) {
                    throw badArrays(args, outs, 0, e);
                }
            }
            if (outs.length != outputSlot.length) throw new IllegalArgumentException("runInto: " + outputSlot.length + " output arrays needed, got " + outs.length);
            for (int o = 0; o < outs.length; o++) {
                if (outs[o].length < outputSize[o]) throw new IllegalArgumentException("runInto: output " + o + " needs " + outputSize[o] + " values from 0, its array has " + outs[o].length);
            }
            if (sub != null) {
                // a split run gathers the chunks' rows straight into the caller's arrays (a discrete
                // adjoint's kept activations: B·64 doubles per evaluation), not via this workspace's own
                gatherTo = outs;
                try {
                    runChecked(args, outs, 0);
                } finally {
                    gatherTo = null;
                }
                return;
            }
            runChecked(args, outs, 0);
            for (int o = 0; o < outs.length; o++) System.arraycopy(buf[outputSlot[o]], 0, outs[o], 0, outputSize[o]);
        }

        /** Where runSplit gathers the outputs during {@link #runInto(double[][], double[][])} (null: this workspace's buffers). */
        private double[][] gatherTo;

        /** What was wrong with the arrays of a direct run that failed (the generated code checks nothing itself but the JVM's bounds). */
        private IllegalArgumentException badArrays(double[][] args, double[][] outs, int offset, RuntimeException cause) {
            StringBuilder why = new StringBuilder();
            for (int i = 0; i < explicitInputs; i++) {
                if (!explicitRead[i] || bound[i]) continue;
                if (args == null || i >= args.length || args[i] == null) why.append("; argument ").append(i).append(" is missing");
                else if (args[i].length < inputSize[i]) why.append("; argument ").append(i).append(" needs ").append(inputSize[i]).append(" values, its array has ").append(args[i].length);
            }
            if (outs == null || outs.length != outputSlot.length) {
                why.append("; ").append(outputSlot.length).append(" output arrays needed");
            } else {
                for (int o = 0; o < outs.length; o++) {
                    int from = o == 0 ? offset : 0;
                    if (outs[o] == null) why.append("; output ").append(o).append(" is missing");
                    else if (from < 0 || outs[o].length - from < outputSize[o]) {
                        why.append("; output ").append(o).append(" needs ").append(outputSize[o]).append(" values from ").append(from)
                                .append(", its array has ").append(outs[o].length);
                    }
                }
            }
            return new IllegalArgumentException("runInto: " + (why.length() == 0 ? String.valueOf(cause) : why.substring(2)), cause);
        }

        /**
         * The explicit arguments as the direct entry reads them (bound ones replaced by their
         * values), after refreshing the implicit inputs' slots.
         */
        private double[][] directArgs(double[][] args) {
            if (implicit.length > 0) {
                refreshImplicit(args);
                for (int j = 0; j < implicit.length; j++) {
                    int i = explicitInputs + j;
                    if (!bound[i]) bindGiven(i, args[i]);
                }
            }
            if (!anyExplicitBound) return args;
            if (callArgs == null) callArgs = new double[explicitInputs][];
            double[][] a = callArgs;
            for (int i = 0; i < explicitInputs; i++) a[i] = bound[i] ? buf[inputSlot[i]] : args[i];
            return a;
        }

        /** An implicit input given by the caller (args[i]), by reference as run does in direct mode. */
        private void bindGiven(int i, double[] src) {
            int size = slotSize[inputSlot[i]];
            if (src.length >= size) {
                buf[inputSlot[i]] = src;
                return;
            }
            throw new IllegalArgumentException("argument " + i + " needs " + size + " values, its array has " + src.length);
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
