package dev.fluxion.diffeq.sde;

import dev.fluxion.diffeq.StateOps;

/**
 * What an SDE stepper needs beside the drift's state plan ({@link StateOps}: f, stage sums, primal
 * values): the diffusion g on the same plan, products of g with the Brownian increments, and the
 * path itself. One stepper then serves the flat plan (plain solves of compiled f and g) and the
 * tensor plan (dual lanes and tape records flow through the same ops).
 *
 * @param <S> the state type of the execution plan
 */
public abstract class SdeOps<S> {
    final StateOps<S> ops;
    final NoiseKind noise;
    final int n, m;
    final BrownianTree path;
    private int diffusionEvaluations;

    SdeOps(StateOps<S> ops, NoiseKind noise, int n, int m, BrownianTree path) {
        this.ops = ops;
        this.noise = noise;
        this.n = n;
        this.m = m;
        this.path = path;
    }

    /** The drift's plan. */
    public StateOps<S> ops() { return ops; }

    public NoiseKind noise() { return noise; }

    /** The Brownian path the steps read. */
    public BrownianTree path() { return path; }

    /** g(u, p, t), counted. */
    final S g(S u, double t) {
        diffusionEvaluations++;
        return diffusion(u, t);
    }

    int diffusionEvaluations() { return diffusionEvaluations; }

    abstract S diffusion(S u, double t);

    /**
     * True when the plan's states are flat arrays and g can write into a caller's buffer
     * ({@link #gInto}): the flat SRI step then runs without allocating per stage.
     */
    boolean diffusesInto() { return false; }

    /** g(u, p, t) written into out (its full length: every lane), counted as {@link #g} is; flat plans only. */
    final void gInto(double[] u, double t, double[] out) {
        diffusionEvaluations++;
        diffusionInto(u, t, out);
    }

    /** See {@link #gInto}; out is not u. */
    void diffusionInto(double[] u, double t, double[] out) {
        throw new UnsupportedOperationException("this SDE plan does not write g into a buffer");
    }

    /** x ⊙ w, componentwise (w has n entries; the plan may keep w only while the call runs). */
    abstract S scale(S x, double[] w);

    /** g · w for a general-noise matrix g [n, m] and w [m]: a state. */
    abstract S matvec(S g, double[] w);

    /** g dW in the problem's noise form, for per-channel values w (m entries). */
    final S noise(S g, double[] w) {
        return switch (noise) {
            case DIAGONAL -> scale(g, w);
            case SCALAR -> ops.combine(new double[] {w[0]}, one(g));
            case GENERAL -> matvec(g, w);
        };
    }

    /** Per-channel values spread over the n components (diagonal: as they are; scalar: repeated). */
    final double[] perComponent(double[] w) {
        if (noise == NoiseKind.DIAGONAL) return w;
        double[] out = new double[n];
        java.util.Arrays.fill(out, w[0]);
        return out;
    }

    private S[] one(S x) {
        S[] a = ops.newArray(1);
        a[0] = x;
        return a;
    }
}
