package dev.fluxion.autodiff;

/**
 * Whether a trace for compilation is being recorded on this thread, and the frame that makes
 * parameters read during it implicit inputs of the trace ({@link ParameterScope}).
 */
final class Tracing {
    private Tracing() {}

    private static final ThreadLocal<java.util.ArrayDeque<ParameterScope>> FRAMES = ThreadLocal.withInitial(java.util.ArrayDeque::new);

    static boolean active() { return !FRAMES.get().isEmpty(); }

    /** Starts recording level on this thread: parameters read until {@link #exit} become its implicit inputs. */
    static void enter(TraceLevel level) { FRAMES.get().push(ParameterScope.enterTrace(level)); }

    static void exit() { FRAMES.get().pop().exit(); }
}
