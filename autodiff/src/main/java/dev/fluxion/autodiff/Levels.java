package dev.fluxion.autodiff;

import dev.fluxion.tensor.AdBox;
import dev.fluxion.tensor.Level;
import dev.fluxion.tensor.Tensor;

import java.util.concurrent.atomic.AtomicLong;

/** Tags for levels (increasing, so an inner level always outranks its outer ones) and the no-grad scope. */
final class Levels {
    private Levels() {}

    private static final AtomicLong TAGS = new AtomicLong();
    private static final ThreadLocal<int[]> NO_GRAD = ThreadLocal.withInitial(() -> new int[1]);

    static long nextTag() { return TAGS.incrementAndGet(); }

    /**
     * t without the wrappers of finished levels (other than self) on its outside. A value that
     * escaped an inner AD call (stashed by a callback and returned unchanged) is then seen by the
     * level asking, instead of its derivatives hiding behind a dead wrapper (ops strip such
     * wrappers in Dispatch; this does the same where a level reads a result directly).
     */
    static Tensor unwrapFinished(Tensor t, Level self) {
        AdBox b;
        while ((b = t.box()) != null && b.level() != self && !b.level().active()) t = b.inner();
        return t;
    }

    static boolean noGrad() { return NO_GRAD.get()[0] > 0; }

    static void enterNoGrad() { NO_GRAD.get()[0]++; }

    static void exitNoGrad() { NO_GRAD.get()[0]--; }
}
