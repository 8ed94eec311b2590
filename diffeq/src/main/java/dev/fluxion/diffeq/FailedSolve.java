package dev.fluxion.diffeq;

import dev.fluxion.tensor.Op;
import dev.fluxion.tensor.Shape;
import dev.fluxion.tensor.Tensor;

/**
 * Marks the states of a failed solve as having undefined derivatives: an op of value zero whose
 * derivatives with respect to u0 and p are NaN, added to every saved state of a solve that did not
 * succeed. The loss of a failed solve is NaN (its unreached states are NaN), and so is its
 * gradient by every method — the tape through the solver and forward lanes included, which would
 * otherwise differentiate the reached states and the NaN filler as constants and report finite
 * numbers.
 */
public final class FailedSolve extends Op {
    private final Shape out;

    private FailedSolve(Shape out) { this.out = out; }

    /** Each state plus a zero carrying NaN derivatives with respect to u0 and p (other equation classes' solves use it too). */
    public static java.util.List<Tensor> poison(java.util.List<Tensor> states, Tensor u0, Tensor p) {
        if (states.isEmpty()) return states;
        Tensor zero = dev.fluxion.tensor.Dispatch.apply(new FailedSolve(u0.shape()), u0, p);
        java.util.List<Tensor> r = new java.util.ArrayList<>(states.size());
        for (Tensor s : states) r.add(s.plus(zero));
        return r;
    }

    @Override public String name() { return "failedSolve"; }

    @Override public Tensor forward(Tensor[] in) { return Tensor.zeros(out); }

    @Override public Tensor[] vjp(Tensor[] in, Tensor output, Tensor ct, boolean[] needs) {
        Tensor[] g = new Tensor[in.length];
        for (int i = 0; i < in.length; i++) if (needs[i]) g[i] = Tensor.full(Double.NaN, in[i].shape());
        return g;
    }

    @Override public Tensor jvp(Tensor[] in, Tensor output, Tensor[] t) {
        int k = dev.fluxion.tensor.Lanes.count(t);
        if (k == 0) return null;
        return Tensor.full(Double.NaN, out.prepend(k));
    }
}
