package dev.fluxion.autodiff;

import dev.fluxion.tensor.Dispatch;
import dev.fluxion.tensor.Op;
import dev.fluxion.tensor.Tensor;

/**
 * Gradient checkpointing as an op: the forward runs f on plain values and keeps nothing of its
 * interior; the rules recompute f from the inputs under a fresh level when they need it. Because
 * the recomputation uses the level's inputs, outer derivatives flow through it (nested use works).
 */
final class Checkpoint extends Op {
    private final MultiTensorFunction f;

    private Checkpoint(MultiTensorFunction f) { this.f = f; }

    static Tensor apply(MultiTensorFunction f, Tensor... xs) {
        return Dispatch.apply(new Checkpoint(f), xs.clone());
    }

    @Override public String name() { return "checkpoint"; }

    @Override public Tensor forward(Tensor[] in) { return f.apply(in.clone()); }

    @Override public Tensor jvp(Tensor[] in, Tensor out, Tensor[] t) {
        return eagerJvp(f, in, t);
    }

    @Override public Tensor[] vjp(Tensor[] in, Tensor out, Tensor ct, boolean[] needs) {
        return eagerVjp(f, in, ct, needs);
    }

    /** Tangent lanes of f at in along t, by running f on duals. */
    static Tensor eagerJvp(MultiTensorFunction f, Tensor[] in, Tensor[] t) {
        int k = dev.fluxion.tensor.Lanes.count(t);
        if (k == 0) return null;
        DualLevel level = new DualLevel(k);
        try {
            Tensor[] d = new Tensor[in.length];
            for (int i = 0; i < in.length; i++) d[i] = t[i] == null ? in[i] : level.dual(in[i], t[i]);
            Tensor y = Levels.unwrapFinished(f.apply(d), level);
            return Dispatch.wrappedBy(y, level) ? level.tangentOf(y) : null;
        } finally {
            level.close();
        }
    }

    /** Cotangents of f's inputs for ct, by recording f on a fresh tape. */
    static Tensor[] eagerVjp(MultiTensorFunction f, Tensor[] in, Tensor ct, boolean[] needs) {
        Tape tape = new Tape();
        try {
            Tensor[] xt = new Tensor[in.length];
            for (int i = 0; i < in.length; i++) xt[i] = needs[i] ? tape.track(in[i]) : in[i];
            Tensor y = f.apply(xt.clone());
            Tensor[] g = tape.backward(y, ct, xt);
            for (int i = 0; i < in.length; i++) if (!needs[i]) g[i] = null;
            return g;
        } finally {
            tape.close();
        }
    }
}
