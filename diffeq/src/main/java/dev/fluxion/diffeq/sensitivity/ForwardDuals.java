package dev.fluxion.diffeq.sensitivity;

import dev.fluxion.diffeq.SolveSpec;

/**
 * Forward mode through the solver (the seed's {@code diffeq_fd}, SciMLSensitivity's
 * ForwardDiffSensitivity): the solve runs with one dual lane per input (u0 and p), chunked, and
 * the Jacobian of the saved series serves reverse mode as Jᵀ·cotangent. Step control reads primal
 * values only, so the lanes follow the primal steps exactly. Best for few inputs.
 */
public final class ForwardDuals extends SolveAsOp {
    private final int chunk;

    /** Lanes chosen automatically (all inputs in one pass up to 64, then chunks of 64). */
    public ForwardDuals() { this(0); }

    /** At most chunk lanes per forward pass (ForwardDiff.jl's chunk size). */
    public ForwardDuals(int chunk) {
        if (chunk < 0) throw new IllegalArgumentException("ForwardDuals: chunk must be non-negative, got " + chunk);
        this.chunk = chunk;
    }

    /** Lanes per pass, 0 for automatic. */
    public int chunk() { return chunk; }

    @Override Pass forward(SolveSpec plain) { return DualSolve.jacobian(plain, chunk, false); }

    @Override public String name() { return "ForwardDuals"; }

    @Override public String toString() { return chunk == 0 ? name() : name() + "(chunk=" + chunk + ")"; }
}
