package dev.fluxion.autodiff;

import dev.fluxion.tensor.ConcretizationException;
import dev.fluxion.tensor.Dispatch;
import dev.fluxion.tensor.Op;
import dev.fluxion.tensor.Shape;
import dev.fluxion.tensor.Tensor;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A function compiled by {@link Jit}: applying it to plain tensors runs the forward program; as an
 * op on dual or tracked tensors it joins every AD mode, its JVP and VJP running derived programs
 * (compiled on first use, per lane count and per set of differentiated arguments). When a
 * derivative cannot be compiled, or its inputs carry further levels (higher-order use), the rules
 * fall back to running the original function eagerly, which is always correct.
 *
 * <p><b>Implicit inputs.</b> Every {@link Parameter} the function read while traced is an implicit
 * input ({@link #implicitInputs()}): each way of running it (apply, the runners, the derivative
 * programs) feeds the parameter's current value, so {@link Parameter#set} is seen by the next run.
 * As an op the compiled function takes the parameters' values as extra inputs, after the explicit
 * ones, so a tape or dual level holding a parameter's value (inside {@link Parameter#gradients},
 * say) gets its cotangent or tangent. Programs on flat arrays ({@link #runner()} and the like)
 * compute values only: they read the parameters' plain values, so derivatives with respect to
 * parameters are lost there; callers that run them check {@link #implicitInputsArePlain()} first.
 *
 * <p>Anything else the function captures is a constant of the program: a plain {@link Tensor}
 * (immutable, so that is exact), but also the contents of a captured mutable array or field,
 * as they were when traced, so changes made later are not seen. Compile such a function again,
 * or run it eagerly (a solve: {@code SolveOptions.compile(false)}).
 */
public final class CompiledFunction extends Op {
    private final MultiTensorFunction f;
    private final Shape[] shapes;
    /** Parameters read by f, in the order of the forward program's implicit inputs. */
    private final Parameter[] implicit;
    private final Program forward;
    /** The forward trace, kept for structural questions ({@link #jacobianSparsity}). */
    private final Graph graph;
    private final SparsityPattern[] sparsity;
    private final ThreadLocal<Program.Workspace> forwardWs;
    private final ConcurrentHashMap<String, Derivative> derivatives = new ConcurrentHashMap<>();

    /** A compiled derivative program with per-thread workspaces, or the marker that none could be traced. */
    private static final class Derivative {
        final Program program;
        final ThreadLocal<Program.Workspace> ws;

        Derivative(Program program) {
            this.program = program;
            this.ws = program == null ? null : ThreadLocal.withInitial(program::workspace);
        }
    }

    CompiledFunction(MultiTensorFunction f, Tensor[] examples) {
        this.f = f;
        this.shapes = new Shape[examples.length];
        for (int i = 0; i < examples.length; i++) shapes[i] = examples[i].shape();
        TraceLevel level = new TraceLevel();
        Tracing.enter(level);
        try {
            Tensor[] xs = new Tensor[examples.length];
            for (int i = 0; i < xs.length; i++) xs[i] = level.input(i, examples[i]);
            Tensor y = f.apply(xs);
            level.graph.outputs = new int[] {level.nodeOf(y)};
        } finally {
            level.close();
            Tracing.exit();
        }
        this.forward = new Program(level.graph, shapes);
        this.graph = level.graph;
        this.sparsity = new SparsityPattern[examples.length];
        this.implicit = forward.implicit;
        this.forwardWs = ThreadLocal.withInitial(forward::workspace);
    }

    /**
     * The parameters f reads, in order: implicit inputs of every program, fed their current values
     * at each run (derivative programs traced later may read further parameters in rare cases, for
     * their values only).
     */
    public List<Parameter> implicitInputs() { return List.of(implicit); }

    /** The implicit inputs' current values, as {@link Parameter#value()} gives them. */
    public List<Tensor> implicitValues() {
        Tensor[] v = new Tensor[implicit.length];
        for (int j = 0; j < v.length; j++) v[j] = implicit[j].value();
        return List.of(v);
    }

    /**
     * Whether every implicit input's current value is plain (no tape or dual level holds it). Only
     * then may the program run on flat arrays ({@link #runner()}, {@link #jvpRunner},
     * {@link #vjpRunner}) without losing derivatives; otherwise apply it to tensors.
     */
    public boolean implicitInputsArePlain() {
        for (Parameter p : implicit) if (!p.value().isPrimal()) return false;
        return true;
    }

    @Override public String name() { return "compiled" + Arrays.toString(shapes); }

    /**
     * Which elements of the output can depend on which elements of argument i: the sparsity pattern
     * of ∂f/∂x_i (rows: output elements, columns: x_i's elements), found from the trace by
     * dependency propagation (see {@code Sparsity}); conservative, never missing an entry. Computed
     * once per argument.
     */
    public SparsityPattern jacobianSparsity(int i) {
        if (i < 0 || i >= shapes.length) throw new IllegalArgumentException(name() + ": no argument " + i);
        synchronized (sparsity) {
            if (sparsity[i] == null) sparsity[i] = Sparsity.of(graph, i);
            return sparsity[i];
        }
    }

    /** Shape of the output. */
    public Shape outputShape() { return forward.outputShapes[0]; }

    /**
     * Whether the traced function reads its argument i: false means its output does not depend on
     * that argument at all (an autonomous right-hand side ignores t), so derivatives with respect
     * to it are exactly zero and need not be computed.
     */
    public boolean reads(int i) {
        if (i < 0 || i >= shapes.length) throw new IndexOutOfBoundsException(name() + " has " + shapes.length + " arguments, not " + (i + 1));
        return forward.reads(i);
    }

    /** Kernels per forward run (after merging identical ops and aliasing reshapes). */
    public int programLength() { return forward.length(); }

    /**
     * Applies the function: the compiled program for plain inputs, an AD-aware op otherwise. The
     * op's inputs are args followed by the implicit inputs' current values, so derivatives reach a
     * parameter whose value is tracked or dual.
     */
    public Tensor apply(Tensor... args) {
        checkShapes(args);
        Tensor[] all = Arrays.copyOf(args, args.length + implicit.length);
        for (int j = 0; j < implicit.length; j++) all[args.length + j] = implicit[j].value();
        if (allPlain(all)) return runForward(all);
        boolean[] tracked = ResidualVjp.trackedOnTopTape(all);
        if (tracked != null) {
            ResidualVjp r = residualVjp(tracked, all);
            if (r != null) return Dispatch.apply(r.call(), all);
        }
        return Dispatch.apply(this, all);
    }

    /** The residual-saving pullback for these tracked inputs (see {@link ResidualVjp}), or null where it does not pay or cannot be traced. */
    private ResidualVjp residualVjp(boolean[] tracked, Tensor[] all) {
        if (!ResidualVjp.ENABLED) return null;
        Object r = residuals.computeIfAbsent(Arrays.toString(tracked), key -> {
            Tensor[] in = primalsOf(all);
            Object[] traced = traceVjpGraph(tracked, in, Tensor.zeros(outputShape()), true);
            ResidualVjp split = traced == null ? null : ResidualVjp.split(this, tracked, (Graph) traced[0], (Shape[]) traced[1]);
            return split == null ? NONE : split;
        });
        return r == NONE ? null : (ResidualVjp) r;
    }

    private static final Object NONE = new Object();
    private final ConcurrentHashMap<String, Object> residuals = new ConcurrentHashMap<>();

    private void checkShapes(Tensor[] args) {
        if (args.length != shapes.length) {
            throw new IllegalArgumentException(name() + ": called with " + args.length + " arguments, compiled for " + shapes.length);
        }
        for (int i = 0; i < args.length; i++) {
            if (!args[i].shape().equals(shapes[i])) {
                throw new IllegalArgumentException(name() + ": argument " + i + " has shape " + args[i].shape()
                        + ", compiled for " + shapes[i]);
            }
        }
    }

    private Tensor runForward(Tensor[] args) {
        Program.Workspace ws = forwardWs.get();
        double[][] in = new double[args.length][];
        for (int i = 0; i < args.length; i++) in[i] = args[i].unsafeData();
        ws.run(in);
        return ws.outputTensor(0);
    }

    @Override public Tensor forward(Tensor[] in) { return runForward(in); }

    /**
     * A private executor of the forward program over flat arrays, for a hot loop on one thread
     * (a solver's plain path): no tensors, no thread-local lookup. Implicit inputs are read from
     * their parameters at each run (their plain values; see {@link #implicitInputsArePlain()}):
     * a reference check per parameter, a copy when a value was replaced.
     */
    public Runner runner() { return new Runner(forward.workspace()); }

    /** See {@link #runner()}. Not thread-safe: one per thread. */
    public static final class Runner {
        private final Program.Workspace ws;

        private Runner(Program.Workspace ws) { this.ws = ws; }

        /** Runs on the arguments' values (each as long as its compiled shape) and returns a fresh output array. */
        public double[] run(double[][] args) {
            ws.run(args);
            return ws.output(0);
        }

        /**
         * Runs on the arguments and writes the output into out from offset, allocating nothing:
         * a hot loop's call (a stiff solver's stage values written straight into its own buffer).
         * When every op of the program is unrolled into generated code (small right-hand sides),
         * the arguments and out are handed to that code by reference, so a call costs the
         * arithmetic and a length check per argument; otherwise the program runs as
         * {@link #run} does and the output is copied into out. out must not be one of the
         * arguments, since the code reads arguments while it writes results.
         */
        public void runInto(double[][] args, double[] out, int offset) {
            ws.runInto(args, out, offset);
        }

        /**
         * Fixes argument i to value for every later run (a solve's parameters), so runs skip
         * copying it; args[i] is then ignored. The value is copied now.
         */
        public Runner bind(int i, double[] value) {
            ws.bind(i, value);
            return this;
        }

        /** Row ranges a run is split into over the cores ({@link RowSplit}): 1 when it runs whole. */
        int rowChunks() { return ws.rowChunks(); }
    }

    /**
     * Executor over flat arrays of a program with several outputs (a derivative program), for a
     * hot loop on one thread. Not thread-safe: one per thread.
     */
    public static final class MultiRunner {
        private final Program.Workspace ws;
        private final Program program;

        private MultiRunner(Program program) {
            this.program = program;
            this.ws = program.workspace();
        }

        /** Runs on the arguments' values; read the results with {@link #output} or {@link #copyOutput}. */
        public void run(double[][] args) { ws.run(args); }

        /** As run, argument i read from args[i] starting at offsets[i]. */
        public void run(double[][] args, int[] offsets) { ws.run(args, offsets); }

        /**
         * Runs on the arguments and writes output o into outs[o] from 0, allocating nothing (see
         * {@link Runner#runInto}): by reference when the program is unrolled into generated code,
         * else copied out. No output array may be one of the arguments.
         */
        public void runInto(double[][] args, double[][] outs) { ws.runInto(args, outs); }

        /** Fixes argument i to value for every later run (see {@link Runner#bind}); args[i] is then ignored. */
        public MultiRunner bind(int i, double[] value) {
            ws.bind(i, value);
            return this;
        }

        /** A fresh copy of output i of the last run. */
        public double[] output(int i) { return ws.output(i); }

        /** Copies output i of the last run into dst at offset. */
        public void copyOutput(int i, double[] dst, int offset) { ws.copyOutput(i, dst, offset); }

        public Shape outputShape(int i) { return program.outputShapes[i]; }

        /** Row ranges a run is split into over the cores ({@link RowSplit}): 1 when it runs whole. */
        int rowChunks() { return ws.rowChunks(); }

        public int outputs() { return program.outputShapes.length; }

        /**
         * Whether runInto passes the arrays straight to generated code (every op unrolled, each
         * output in a slot of its own): then an argument fixed for many runs is better passed by
         * reference than {@link #bind bound}, which saves a copy only on the copying path.
         */
        public boolean direct() { return program.direct(); }
    }

    /**
     * f's value and vector-Jacobian product over flat arrays: arguments are f's arguments then the
     * cotangent (f's output shape); outputs are f(x) then the cotangent of each argument i with
     * needs[i]. Null when the VJP cannot be traced (a custom op with residuals, say). Implicit
     * inputs are read at each run, as for {@link #runner()}; they get no cotangents here.
     */
    public MultiRunner vjpRunner(boolean[] needs, Tensor... examples) {
        checkShapes(examples);
        Tensor[] in = primalsOf(examples);
        Derivative d = derivatives.computeIfAbsent("vjp+value" + Arrays.toString(needs),
                key -> traceVjp(needs, in, Tensor.zeros(outputShape()), true));
        return d.program == null ? null : new MultiRunner(d.program);
    }

    /**
     * As {@link #vjpRunner} without f's value: outputs are only the cotangents of the arguments
     * with needs[i], so the program drops the part of f that only the value needed (a network's
     * last layer, for one). For callers that have f(x) already, as a discrete adjoint does.
     */
    public MultiRunner vjpOnlyRunner(boolean[] needs, Tensor... examples) {
        checkShapes(examples);
        Tensor[] in = primalsOf(examples);
        Derivative d = derivatives.computeIfAbsent("vjp" + Arrays.toString(needs),
                key -> traceVjp(needs, in, Tensor.zeros(outputShape()), false));
        return d.program == null ? null : new MultiRunner(d.program);
    }

    /**
     * f's VJP split at the forward values it reads ({@link ResidualVjp}: JAX's linearize), over
     * flat arrays, for a caller that runs the forward itself and keeps, per evaluation, what the
     * pullback needs instead of recomputing it (a discrete adjoint keeping each stage's activations:
     * a batched neural ODE's tanh layer, issue 15). Residuals are the values that depend on an
     * explicit argument i with rowArgs[i] (the state) and that a cotangent-dependent node reads;
     * values of the other arguments alone are recomputed by the pullback.
     *
     * <p>Returns {forward, pullback}, fresh runners (one thread each), or null when the VJP cannot
     * be traced or keeps too little to pay (see {@link ResidualVjp#minResidualElements}) or
     * {@code -Dfluxion.residuals=false}. forward: arguments f's; outputs f(x), then the residuals
     * ({@link MultiRunner#outputs()} − 1 of them). pullback: arguments f's, the cotangent (f's output
     * shape), then the residuals in the forward's order; outputs the cotangent of each argument i
     * with needs[i]. Both bit for bit the values of {@link #runner()} and {@link #vjpOnlyRunner}
     * (the same ops on the same values). Implicit inputs are read at each run, as for {@link #runner()}.
     */
    public MultiRunner[] residualVjpRunners(boolean[] needs, boolean[] rowArgs, Tensor... examples) {
        checkShapes(examples);
        if (!ResidualVjp.ENABLED) return null;
        if (rowArgs.length != shapes.length) throw new IllegalArgumentException(name() + ": rowArgs needs " + shapes.length + " entries");
        Object r = residuals.computeIfAbsent("flat" + Arrays.toString(needs) + Arrays.toString(rowArgs), key -> {
            Tensor[] in = primalsOf(examples);
            Object[] traced = traceVjpGraph(needs, in, Tensor.zeros(outputShape()), true);
            ResidualVjp split = traced == null ? null : ResidualVjp.split(this, needs, (Graph) traced[0], (Shape[]) traced[1], rowArgs);
            return split == null ? NONE : split;
        });
        if (r == NONE) return null;
        ResidualVjp split = (ResidualVjp) r;
        MultiRunner fwd = new MultiRunner(split.forwardProgram());
        // the forward program's cotangent argument is read by nothing it computes: bound once to zeros
        fwd.bind(shapes.length, new double[outputShape().size()]);
        return new MultiRunner[] {fwd, new MultiRunner(split.pullbackProgram())};
    }

    /**
     * f's value and its Jacobian-vector products in k lanes over flat arrays: arguments are f's
     * arguments then, for each argument i with mask[i], its tangents [k, ...shape]; outputs are
     * f(x) then the output's tangents [k, ...outputShape]. Null when the JVP cannot be traced.
     * Implicit inputs are read at each run, as for {@link #runner()}, with zero tangents.
     */
    public MultiRunner jvpRunner(int k, boolean[] mask, Tensor... examples) {
        checkShapes(examples);
        Tensor[] in = primalsOf(examples);
        Tensor[] t = new Tensor[in.length];
        for (int i = 0; i < in.length; i++) if (mask[i]) t[i] = Tensor.zeros(shapes[i].prepend(k));
        Derivative d = derivatives.computeIfAbsent("jvp+value" + k + Arrays.toString(mask),
                key -> traceJvp(k, mask, in, t, true));
        return d.program == null ? null : new MultiRunner(d.program);
    }

    private static Tensor[] primalsOf(Tensor[] xs) {
        Tensor[] p = new Tensor[xs.length];
        for (int i = 0; i < xs.length; i++) p[i] = xs[i].primal();
        return p;
    }

    private static boolean allPlain(Tensor[] xs) {
        for (Tensor x : xs) if (x != null && !x.isPrimal()) return false;
        return true;
    }

    // ------------------------------------------------------------------ JVP

    // The op's inputs (in, t, needs) are f's n arguments then the m implicit inputs' values; the
    // derivative programs take f's arguments, then tangents or the cotangent, as explicit inputs and
    // the parameters as implicit inputs (the forward's first, in its order), which the op path feeds
    // from in. The runners' masks cover f's arguments only.

    /** f with the implicit inputs' values as trailing arguments: the eager rules' function. */
    private Tensor applyWithImplicit(Tensor[] xs) {
        int n = shapes.length;
        if (xs.length == n) return f.apply(xs);
        return ParameterScope.with(implicit, Arrays.copyOfRange(xs, n, xs.length), () -> f.apply(Arrays.copyOf(xs, n)));
    }

    /** The implicit inputs of a derivative trace, registered in the forward's order; examples from in where it has them. */
    private Tensor[] implicitTracers(TraceLevel level, Tensor[] in) {
        int n = shapes.length;
        Tensor[] v = new Tensor[implicit.length];
        for (int j = 0; j < v.length; j++) v[j] = level.implicitInput(implicit[j], in.length > n ? in[n + j] : implicit[j].stored());
        return v;
    }

    @Override public Tensor jvp(Tensor[] in, Tensor out, Tensor[] t) {
        int k = dev.fluxion.tensor.Lanes.count(t);
        if (k == 0) return null;
        if (!allPlain(in) || !allPlain(t)) return Checkpoint.eagerJvp(this::applyWithImplicit, in, t);
        boolean[] mask = new boolean[in.length];
        int live = 0;
        for (int i = 0; i < in.length; i++) if (t[i] != null) { mask[i] = true; live++; }
        Derivative d = derivatives.computeIfAbsent("jvp" + k + Arrays.toString(mask), key -> traceJvp(k, mask, in, t, false));
        if (d.program == null) return Checkpoint.eagerJvp(this::applyWithImplicit, in, t);
        int n = shapes.length;
        double[][] args = new double[in.length + live][];
        for (int i = 0; i < n; i++) args[i] = in[i].unsafeData();
        for (int i = 0, j = n; i < in.length; i++) if (mask[i]) args[j++] = t[i].unsafeData();
        for (int i = n; i < in.length; i++) args[live + i] = in[i].unsafeData();
        Program.Workspace ws = d.ws.get();
        ws.run(args);
        return ws.outputTensor(0);
    }

    private Derivative traceJvp(int k, boolean[] mask, Tensor[] in, Tensor[] t, boolean withValue) {
        int n = shapes.length;
        TraceLevel level = new TraceLevel();
        Tracing.enter(level);
        Shape[] argShapes = new Shape[n + count(mask)];
        try {
            Tensor[] xs = new Tensor[n];
            for (int i = 0; i < n; i++) {
                xs[i] = level.input(i, in[i]);
                argShapes[i] = shapes[i];
            }
            Tensor[] imp = implicitTracers(level, in);
            DualLevel dual = new DualLevel(k);
            try {
                Tensor[] d = new Tensor[n];
                Tensor[] dimp = imp.clone();
                for (int i = 0, j = n; i < mask.length; i++) {
                    Tensor x = i < n ? xs[i] : imp[i - n];
                    if (mask[i]) {
                        argShapes[j] = t[i].shape();
                        x = dual.dual(x, level.input(j++, t[i]));
                    }
                    if (i < n) d[i] = x;
                    else dimp[i - n] = x;
                }
                Tensor y = ParameterScope.with(implicit, dimp, () -> f.apply(d));
                int tangentNode = level.nodeOf(dual.tangentOf(y));
                level.graph.outputs = withValue ? new int[] {level.nodeOf(dual.primalOf(y)), tangentNode} : new int[] {tangentNode};
            } finally {
                dual.close();
            }
        } catch (ConcretizationException e) {
            return new Derivative(null);
        } finally {
            level.close();
            Tracing.exit();
        }
        return new Derivative(new Program(level.graph, argShapes));
    }

    // ------------------------------------------------------------------ VJP

    @Override public Tensor[] vjp(Tensor[] in, Tensor out, Tensor ct, boolean[] needs) {
        if (!allPlain(in) || !ct.isPrimal()) return Checkpoint.eagerVjp(this::applyWithImplicit, in, ct, needs);
        Derivative d = derivatives.computeIfAbsent("vjp" + Arrays.toString(needs), key -> traceVjp(needs, in, ct, false));
        if (d.program == null) return Checkpoint.eagerVjp(this::applyWithImplicit, in, ct, needs);
        int n = shapes.length;
        double[][] args = new double[in.length + 1][];
        for (int i = 0; i < n; i++) args[i] = in[i].unsafeData();
        args[n] = ct.unsafeData();
        for (int i = n; i < in.length; i++) args[i + 1] = in[i].unsafeData();
        Program.Workspace ws = d.ws.get();
        ws.run(args);
        Tensor[] g = new Tensor[in.length];
        for (int i = 0, j = 0; i < in.length; i++) if (needs[i]) g[i] = ws.outputTensor(j++);
        return g;
    }

    private Derivative traceVjp(boolean[] needs, Tensor[] in, Tensor ct, boolean withValue) {
        Object[] traced = traceVjpGraph(needs, in, ct, withValue);
        return new Derivative(traced == null ? null : new Program((Graph) traced[0], (Shape[]) traced[1]));
    }

    /** The traced VJP (value first when withValue) and its explicit argument shapes, or null when it cannot be traced. */
    private Object[] traceVjpGraph(boolean[] needs, Tensor[] in, Tensor ct, boolean withValue) {
        int n = shapes.length;
        TraceLevel level = new TraceLevel();
        Tracing.enter(level);
        Shape[] argShapes = Arrays.copyOf(shapes, n + 1);
        argShapes[n] = ct.shape();
        try {
            Tensor[] xs = new Tensor[n];
            for (int i = 0; i < n; i++) xs[i] = level.input(i, in[i]);
            Tensor cts = level.input(n, ct);
            Tensor[] imp = implicitTracers(level, in);
            Tape tape = new Tape();
            try {
                Tensor[] xt = new Tensor[n];
                Tensor[] timp = imp.clone();
                int live = count(needs);
                Tensor[] wrt = new Tensor[live];
                for (int i = 0, j = 0; i < needs.length; i++) {
                    Tensor x = i < n ? xs[i] : imp[i - n];
                    if (needs[i]) {
                        x = tape.track(x);
                        wrt[j++] = x;
                    }
                    if (i < n) xt[i] = x;
                    else timp[i - n] = x;
                }
                Tensor y = ParameterScope.with(implicit, timp, () -> f.apply(xt.clone()));
                int valueNode = level.nodeOf(tape.valueOf(y));
                Tensor[] g = tape.backward(y, cts, wrt);
                int off = withValue ? 1 : 0;
                int[] outs = new int[live + off];
                if (withValue) outs[0] = valueNode;
                for (int j = 0; j < live; j++) outs[j + off] = level.nodeOf(g[j]);
                level.graph.outputs = outs;
            } finally {
                tape.close();
            }
        } catch (ConcretizationException e) {
            return null;
        } finally {
            level.close();
            Tracing.exit();
        }
        return new Object[] {level.graph, argShapes};
    }

    private static int count(boolean[] mask) {
        int c = 0;
        for (boolean b : mask) if (b) c++;
        return c;
    }
}
