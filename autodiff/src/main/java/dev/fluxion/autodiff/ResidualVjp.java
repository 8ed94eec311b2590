package dev.fluxion.autodiff;

import dev.fluxion.tensor.Dispatch;
import dev.fluxion.tensor.Level;
import dev.fluxion.tensor.Op;
import dev.fluxion.tensor.Shape;
import dev.fluxion.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reverse mode through a compiled function without running its forward twice. A compiled
 * function's VJP program is traced from the forward and its pullback together, so run alone at
 * backward time it recomputes every forward value its pullback reads (a Dense layer's matrix
 * product, bias add and tanh: a third of a batched neural ODE's gradient, issue 15). Here the traced
 * value-and-VJP graph is split, as JAX's linearize splits a function into its primal part and a
 * linear part (partial evaluation): the nodes that do not depend on the cotangent but do depend on
 * the explicit arguments, and that a cotangent-dependent node reads, are the <em>residuals</em>. The
 * forward program computes f(x) and the residuals when the op is applied on a tape; the pullback
 * program takes the residuals as inputs in place of those nodes, so everything above them is dead
 * there. Values that depend on parameters alone (a weight's transpose) stay recomputed: they do not
 * grow with the batch.
 *
 * <p>Each application on a tape is its own {@link Call} op holding its residuals, so the tape keeps
 * them as long as the entry. The residual pullback is used only when the backward walk passes the
 * very inputs the forward saw, plain, with the same arguments needing cotangents; otherwise the call
 * defers to the compiled function's own rules (nested levels, forward-over-reverse), which are
 * always correct.
 */
final class ResidualVjp {
    /**
     * Below this many residual elements in all, recomputing is as cheap as saving, and small programs
     * keep their path. Package-visible and mutable for tests, which set it to 0 to split every op.
     */
    static volatile int minResidualElements = 512;

    /** -Dfluxion.residuals=false keeps every compiled function's pullback recomputing its forward (for A/B timing). */
    static final boolean ENABLED = !"false".equals(System.getProperty("fluxion.residuals"));

    private final CompiledFunction f;
    private final boolean[] needs;
    private final int n;                  // explicit arguments of f
    private final Program forward;        // [x..., ct (unused)] + implicit -> [f(x), residuals...]
    private final Program pullback;       // [x..., ct, residuals...] + implicit -> [cotangents of needs...]
    private final ThreadLocal<Program.Workspace> fws, bws;
    private final double[] zeroCt;
    private final long residualElements;

    private ResidualVjp(CompiledFunction f, boolean[] needs, int n, Program forward, Program pullback, double[] zeroCt, long residualElements) {
        this.f = f;
        this.needs = needs;
        this.n = n;
        this.forward = forward;
        this.pullback = pullback;
        this.fws = ThreadLocal.withInitial(forward::workspace);
        this.bws = ThreadLocal.withInitial(pullback::workspace);
        this.zeroCt = zeroCt;
        this.residualElements = residualElements;
    }

    /**
     * Splits g, the traced value-and-VJP graph of f (outputs: the value, then the cotangents), whose
     * explicit inputs are f's n arguments then the cotangent (input n). Null when there is nothing
     * worth saving.
     */
    static ResidualVjp split(CompiledFunction f, boolean[] needs, Graph g, Shape[] argShapes) {
        return split(f, needs, g, argShapes, null);
    }

    /**
     * As {@link #split(CompiledFunction, boolean[], Graph, Shape[])}, counting as residuals only
     * values that depend on an explicit argument i with rowArgs[i] (all of them when rowArgs is
     * null): a discrete adjoint passes its state alone, so values of the parameters or of t (a
     * weight's transpose) stay recomputed in the pullback instead of being kept per evaluation.
     */
    static ResidualVjp split(CompiledFunction f, boolean[] needs, Graph g, Shape[] argShapes, boolean[] rowArgs) {
        int n = argShapes.length - 1;
        List<Graph.Node> nodes = g.nodes;
        int size = nodes.size();
        boolean[] onCt = new boolean[size], onX = new boolean[size];
        for (int k = 0; k < size; k++) {
            Graph.Node node = nodes.get(k);
            if (node.isInput()) {
                onCt[k] = !node.isImplicit() && node.inputIndex == n;
                onX[k] = !node.isImplicit() && node.inputIndex < n && (rowArgs == null || rowArgs[node.inputIndex]);
                continue;
            }
            for (int a : node.args) {
                onCt[k] |= onCt[a];
                onX[k] |= onX[a];
            }
        }
        boolean[] residual = new boolean[size];
        List<Integer> res = new ArrayList<>();
        long elements = 0;
        for (int k = 0; k < size; k++) {
            Graph.Node node = nodes.get(k);
            if (!onCt[k] || node.isInput()) continue;
            for (int a : node.args) {
                Graph.Node an = nodes.get(a);
                if (!residual[a] && !onCt[a] && onX[a] && !an.isInput() && !an.isConstant()) {
                    residual[a] = true;
                    res.add(a);
                    elements += an.shape.size();
                }
            }
        }
        if (res.isEmpty() || elements < minResidualElements) return null;
        int[] outs = g.outputs;
        // the forward: the same nodes, reading the value and the residuals
        Graph fg = copyHeader(g);
        fg.nodes.addAll(nodes);
        int[] fo = new int[1 + res.size()];
        fo[0] = outs[0];
        for (int j = 0; j < res.size(); j++) fo[1 + j] = res.get(j);
        fg.outputs = fo;
        // the pullback: each residual node becomes an input after the cotangent
        Graph bg = copyHeader(g);
        Shape[] bShapes = Arrays.copyOf(argShapes, argShapes.length + res.size());
        for (int k = 0; k < size; k++) {
            Graph.Node node = nodes.get(k);
            int j = residual[k] ? res.indexOf(k) : -1;
            if (j >= 0) {
                bg.nodes.add(new Graph.Node(null, new int[0], node.shape, null, n + 1 + j));
                bShapes[n + 1 + j] = node.shape;
            } else {
                bg.nodes.add(node);
            }
        }
        bg.outputs = Arrays.copyOfRange(outs, 1, outs.length);
        Program fp = new Program(fg, argShapes);
        Program bp = new Program(bg, bShapes);
        return new ResidualVjp(f, needs.clone(), n, fp, bp, new double[argShapes[n].size()], elements);
    }

    private static Graph copyHeader(Graph g) {
        Graph c = new Graph();
        c.implicit.addAll(g.implicit);
        c.implicitShapes.addAll(g.implicitShapes);
        return c;
    }

    /**
     * Which inputs the innermost active level tracks, when that level is a tape (null otherwise:
     * plain, or a dual level on top, whose rules do not use residuals).
     */
    static boolean[] trackedOnTopTape(Tensor[] in) {
        Level top = null;
        for (Tensor t : in) {
            if (t.box() == null || !t.box().level().active()) continue;
            Level l = t.box().level();
            if (top == null || l.tag() > top.tag()) top = l;
        }
        if (!(top instanceof Tape)) return null;
        boolean[] tracked = new boolean[in.length];
        for (int i = 0; i < in.length; i++) tracked[i] = Dispatch.wrappedBy(in[i], top);
        return tracked;
    }

    /** The forward program: f's arguments, then the cotangent (unread), then implicit inputs; outputs f(x), then the residuals. */
    Program forwardProgram() { return forward; }

    /** The pullback program: f's arguments, the cotangent, the residuals, then implicit inputs; outputs the cotangents of the arguments with needs. */
    Program pullbackProgram() { return pullback; }

    /** A fresh op for one application: it saves its residuals when its forward runs. */
    Op call() { return new Call(); }

    private final class Call extends Op {
        private double[][] inData;      // the forward's input arrays, to recognise them at backward
        private double[][] residuals;

        @Override public String name() { return f.name(); }

        @Override public long residualSize() { return residuals == null ? 0 : residualElements; }

        @Override public Shape outShape(Shape[] in) { return f.outputShape(); }

        @Override public Tensor forward(Tensor[] in) {
            if (!plain(in)) return f.forward(in);
            double[][] args = new double[in.length + 1][];
            double[][] seen = new double[in.length][];
            for (int i = 0; i < in.length; i++) seen[i] = in[i].unsafeData();
            for (int i = 0; i < n; i++) args[i] = seen[i];
            args[n] = zeroCt;
            for (int i = n; i < in.length; i++) args[i + 1] = seen[i];
            Program.Workspace ws = fws.get();
            ws.run(args);
            double[][] r = new double[forward.outputShapes.length - 1][];
            for (int j = 0; j < r.length; j++) r[j] = ws.output(1 + j);
            residuals = r;
            inData = seen;
            return ws.outputTensor(0);
        }

        @Override public Tensor jvp(Tensor[] in, Tensor out, Tensor[] t) { return f.jvp(in, out, t); }

        @Override public Tensor[] vjp(Tensor[] in, Tensor out, Tensor ct, boolean[] want) {
            if (residuals == null || !ct.isPrimal() || !Arrays.equals(want, needs) || !sameInputs(in)) return f.vjp(in, out, ct, want);
            double[][] args = new double[in.length + 1 + residuals.length][];
            for (int i = 0; i < n; i++) args[i] = in[i].unsafeData();
            args[n] = ct.unsafeData();
            for (int j = 0; j < residuals.length; j++) args[n + 1 + j] = residuals[j];
            for (int i = n; i < in.length; i++) args[i + 1 + residuals.length] = in[i].unsafeData();
            Program.Workspace ws = bws.get();
            ws.run(args);
            Tensor[] g = new Tensor[in.length];
            for (int i = 0, j = 0; i < in.length; i++) if (want[i]) g[i] = ws.outputTensor(j++);
            return g;
        }

        private boolean sameInputs(Tensor[] in) {
            if (in.length != inData.length || !plain(in)) return false;
            for (int i = 0; i < in.length; i++) if (in[i].unsafeData() != inData[i]) return false;
            return true;
        }
    }

    private static boolean plain(Tensor[] xs) {
        for (Tensor x : xs) if (x == null || !x.isPrimal()) return false;
        return true;
    }
}
