package dev.fluxion.diffeq;

import dev.fluxion.tensor.LinearCombination;

/**
 * A stepper's embedded error estimate h Σ_m w_m k_m over its stages, weighted by the solve's
 * {@link ErrorNorm} on primal values: the weights' nonzero entries and the scratch the norm needs,
 * kept between steps (one per stepper, one solve, one thread). Every family's error estimate goes
 * through it, so gathering the stages and sizing the scratch is written once.
 */
public final class EmbeddedError {
    private final int[] deps;
    private final double[] weights;
    private final double[][] stages;
    private double[] acc = new double[0];

    /** @param w the error weights per stage (btilde for explicit Runge–Kutta, e for Rosenbrock); zeros are skipped */
    public EmbeddedError(double[] w) {
        this(LinearCombination.liveTerms(w), LinearCombination.liveValues(w));
    }

    /** From the weights' nonzero entries already found: their stage indices and values (read, never changed; may be shared). */
    public EmbeddedError(int[] deps, double[] weights) {
        if (deps.length != weights.length) throw new IllegalArgumentException("EmbeddedError: " + deps.length + " indices for " + weights.length + " weights");
        this.deps = deps;
        this.weights = weights;
        this.stages = new double[deps.length][];
    }

    /** The weighted norm of h Σ w_m k_m for the step from u to unew; NaN when not finite. */
    public <S> double of(StateOps<S> ops, ErrorNorm norm, double h, S[] k, S u, S unew) {
        int n = ops.normLength();
        if (n == 0) return 0.0;
        for (int m = 0; m < deps.length; m++) stages[m] = ops.values(k[deps[m]]);   // the norm reads plain arrays
        if (acc.length < n && n > LinearCombination.SMALL) acc = new double[n];
        return norm.ofSum(h, weights, stages, deps.length, ops.values(u), ops.values(unew), n, acc);
    }

    /** As {@link #of} on flat states (the flat plan's typed hot path: no calls through StateOps), n = normLength. */
    public double ofFlat(int n, ErrorNorm norm, double h, double[][] k, double[] u, double[] unew) {
        if (n == 0) return 0.0;
        if (acc.length < n && n > LinearCombination.SMALL) acc = new double[n];
        return norm.ofTerms(h, weights, deps, k, deps.length, u, unew, n, acc);
    }
}
