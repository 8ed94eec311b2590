package dev.fluxion.autodiff;

import dev.fluxion.tensor.AdBox;
import dev.fluxion.tensor.ConcretizationException;
import dev.fluxion.tensor.Dispatch;
import dev.fluxion.tensor.Level;
import dev.fluxion.tensor.Op;
import dev.fluxion.tensor.Tensor;

/**
 * The level that records a graph for compilation. Tracers carry a concrete example value (so
 * shapes and constants are known, and derivative levels nested inside work unchanged) but refuse
 * to let code read it. A tensor from an outer AD level captured by the traced function cannot be
 * baked into a program without losing its derivatives, so that too aborts the trace. A
 * {@link Parameter} read during the trace is no capture: it becomes an implicit input
 * ({@link #implicitInput}).
 */
final class TraceLevel implements Level {
    private final long tag = Levels.nextTag();
    private boolean active = true;
    final Graph graph = new Graph();

    @Override public long tag() { return tag; }

    @Override public boolean active() { return active; }

    void close() { active = false; }

    static final class TracerBox extends AdBox {
        final int node;

        TracerBox(TraceLevel level, Tensor example, int node) {
            super(level, example);
            this.node = node;
        }

        @Override public boolean concrete() { return false; }

        @Override public String kind() { return "tracer"; }
    }

    private final java.util.IdentityHashMap<Parameter, Tensor> implicitTracers = new java.util.IdentityHashMap<>();

    /**
     * The tracer standing for p's value: an implicit input of the graph, registered on p's first
     * read with stored's plain value as example. Tracked or dual values make no difference here:
     * the compiled function passes their derivatives on at run time.
     */
    Tensor implicitInput(Parameter p, Tensor stored) {
        Tensor t = implicitTracers.get(p);
        if (t != null) return t;
        Tensor example = stored.primal();
        int id = graph.implicitInput(p, example.shape());
        t = Tensor.wrap(new TracerBox(this, example, id));
        implicitTracers.put(p, t);
        return t;
    }

    /** A new input of the traced function, with an example value. */
    Tensor input(int index, Tensor example) {
        int id = graph.input(index, example.shape());
        return Tensor.wrap(new TracerBox(this, example.primal(), id));
    }

    /** The graph node of t: its own if t is a tracer of this level, a constant otherwise. */
    int nodeOf(Tensor t) {
        t = Levels.unwrapFinished(t, this);
        if (Dispatch.wrappedBy(t, this)) return ((TracerBox) t.box()).node;
        if (!t.isPrimal()) throw captured(t);
        return graph.constant(t);
    }

    private static ConcretizationException captured(Tensor t) {
        return new ConcretizationException("the traced function uses a " + t.kind() + " tensor of shape " + t.shape()
                + " that it did not receive as an argument (a closure capture); pass it as an argument "
                + "so its derivatives are kept, or run eagerly");
    }

    @Override public Tensor apply(Op op, Tensor[] in) {
        int[] args = new int[in.length];
        for (int i = 0; i < in.length; i++) {
            Tensor t = in[i];
            if (Dispatch.wrappedBy(t, this)) {
                args[i] = ((TracerBox) t.box()).node;
                in[i] = t.box().inner();
            } else {
                if (!t.isPrimal()) throw captured(t);
                args[i] = graph.constant(t);
            }
        }
        Tensor out = op.forward(in);
        int id = graph.apply(op, args, out.shape());
        return Tensor.wrap(new TracerBox(this, out, id));
    }
}
