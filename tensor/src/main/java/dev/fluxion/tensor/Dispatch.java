package dev.fluxion.tensor;

/**
 * Routes an op to the innermost active level among its inputs, or to its primal kernel when every
 * input is plain. Finished levels are stripped on the way, so a tensor that escaped its AD call
 * acts as a constant.
 */
public final class Dispatch {
    private Dispatch() {}

    public static Tensor apply(Op op, Tensor... in) {
        Level top = null;
        for (int i = 0; i < in.length; i++) {
            Tensor t = in[i];
            AdBox bx = t.box;
            if (bx == null) continue;
            if (!bx.level().active()) {
                t = t.stripInactive();
                in[i] = t;
                bx = t.box;
                if (bx == null) continue;
            }
            Level l = bx.level();
            if (top == null || l.tag() > top.tag()) top = l;
        }
        if (top == null) return op.forward(in);
        return top.apply(op, in);
    }

    /** The value of t one level below {@code level}: unwrapped if level wraps it, itself otherwise. */
    public static Tensor strip(Tensor t, Level level) {
        AdBox bx = t.box;
        return bx != null && bx.level() == level ? bx.inner() : t;
    }

    /** Whether level is t's outermost wrapper. */
    public static boolean wrappedBy(Tensor t, Level level) {
        AdBox bx = t.box;
        return bx != null && bx.level() == level;
    }
}
