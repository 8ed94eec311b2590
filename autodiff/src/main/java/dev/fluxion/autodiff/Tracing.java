package dev.fluxion.autodiff;

/** Whether a trace for compilation is being recorded on this thread. */
final class Tracing {
    private Tracing() {}

    private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    static boolean active() { return DEPTH.get()[0] > 0; }

    static void enter() { DEPTH.get()[0]++; }

    static void exit() { DEPTH.get()[0]--; }
}
