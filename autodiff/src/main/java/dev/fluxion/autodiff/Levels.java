package dev.fluxion.autodiff;

import java.util.concurrent.atomic.AtomicLong;

/** Tags for levels (increasing, so an inner level always outranks its outer ones) and the no-grad scope. */
final class Levels {
    private Levels() {}

    private static final AtomicLong TAGS = new AtomicLong();
    private static final ThreadLocal<int[]> NO_GRAD = ThreadLocal.withInitial(() -> new int[1]);

    static long nextTag() { return TAGS.incrementAndGet(); }

    static boolean noGrad() { return NO_GRAD.get()[0] > 0; }

    static void enterNoGrad() { NO_GRAD.get()[0]++; }

    static void exitNoGrad() { NO_GRAD.get()[0]--; }
}
