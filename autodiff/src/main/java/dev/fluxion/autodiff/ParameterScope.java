package dev.fluxion.autodiff;

import dev.fluxion.tensor.AdBox;
import dev.fluxion.tensor.Tensor;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * What {@link Parameter#value()} returns on this thread while a trace is recorded or a compiled
 * function's derivative rule re-runs its function. Parameters are read, not passed, so a trace
 * cannot see them as arguments; instead (as JAX turns closed-over values into arguments) a trace
 * frame answers every read with an <em>implicit input</em> of the graph, whose value a compiled
 * program reads again at each run, and a substitution frame answers with the values an op was
 * applied to (a dual or tracked copy, so derivatives reach the parameter).
 *
 * <p>Frames nest in a per-thread stack, innermost first. A frame answers for a parameter unless
 * the parameter's stored value was set inside the frame (its outermost level is newer than the
 * frame: a gradient taken within the traced function), in which case that value stands. Other
 * threads never see this thread's frames.
 */
final class ParameterScope {
    private static final ThreadLocal<ParameterScope> TOP = new ThreadLocal<>();
    /** Frames open on any thread: while none is, value() is a field read and one volatile load. */
    private static final AtomicInteger OPEN = new AtomicInteger();

    private final ParameterScope outer;
    private final long tag;
    private final TraceLevel trace;     // a trace frame, or null
    private final Parameter[] params;   // a substitution frame
    private final Tensor[] values;

    private ParameterScope(ParameterScope outer, long tag, TraceLevel trace, Parameter[] params, Tensor[] values) {
        this.outer = outer;
        this.tag = tag;
        this.trace = trace;
        this.params = params;
        this.values = values;
    }

    /** The value of p as this thread sees it, stored being p's own field. */
    static Tensor valueOf(Parameter p, Tensor stored) {
        if (OPEN.get() == 0) return stored;
        for (ParameterScope s = TOP.get(); s != null; s = s.outer) {
            if (setInside(stored, s.tag)) return stored;
            if (s.trace != null) return s.trace.implicitInput(p, stored);
            for (int i = 0; i < s.params.length; i++) if (s.params[i] == p) return s.values[i];
        }
        return stored;
    }

    private static boolean setInside(Tensor stored, long tag) {
        AdBox b = stored.box();
        return b != null && b.level().active() && b.level().tag() > tag;
    }

    /** Opens a trace frame: parameters read from now on are implicit inputs of level's graph. */
    static ParameterScope enterTrace(TraceLevel level) {
        return push(new ParameterScope(TOP.get(), level.tag(), level, null, null));
    }

    /** Opens a substitution frame: params[i] reads as values[i]. */
    static ParameterScope enter(Parameter[] params, Tensor[] values) {
        return push(new ParameterScope(TOP.get(), Levels.nextTag(), null, params, values));
    }

    /** Runs body with params[i] reading as values[i] on this thread. */
    static <T> T with(Parameter[] params, Tensor[] values, Supplier<T> body) {
        if (params.length == 0) return body.get();
        ParameterScope s = enter(params, values);
        try {
            return body.get();
        } finally {
            s.exit();
        }
    }

    private static ParameterScope push(ParameterScope s) {
        OPEN.incrementAndGet();
        TOP.set(s);
        return s;
    }

    /** Closes this frame, which must be this thread's innermost. */
    void exit() {
        if (TOP.get() != this) throw new IllegalStateException("parameter scopes closed out of order");
        if (outer == null) TOP.remove();
        else TOP.set(outer);
        OPEN.decrementAndGet();
    }
}
