package dev.fluxion.diffeq.sensitivity;

/**
 * The adjoint λ' = −(∂f/∂u)ᵀλ and μ' = −(∂f/∂p)ᵀλ integrated backwards with u(t) taken from
 * the forward solution's dense output (SciMLSensitivity's InterpolatingAdjoint). Stable where
 * backsolve is not. With checkpointing (the default) the forward pass keeps only the saved states
 * and each interval between them is re-solved with dense output when the backward pass reaches
 * it, so memory grows with the checkpoints, not the steps; {@link #dense()} keeps the whole
 * forward dense output instead (no re-solve).
 */
public final class InterpolatingAdjoint extends ContinuousAdjoint {
    private final boolean checkpointing;

    public InterpolatingAdjoint() { this(true); }

    private InterpolatingAdjoint(boolean checkpointing) { this.checkpointing = checkpointing; }

    /** Keeps the forward solution's full dense output (memory grows with the steps; no re-solve). */
    public static InterpolatingAdjoint dense() { return new InterpolatingAdjoint(false); }

    public boolean checkpointing() { return checkpointing; }

    @Override boolean keepsForwardDense() { return !checkpointing; }

    @Override double[][] backward(Adjoint adjoint, ForwardPass f, double[][] rows) {
        return adjoint.interpolating(f.ts, f.ys, rows, f.u0, f.dense);
    }

    @Override public InterpolatingAdjoint withNorm(AdjointNorm norm) { return (InterpolatingAdjoint) super.withNorm(norm); }

    @Override public String name() { return "InterpolatingAdjoint"; }

    @Override public String toString() { return (checkpointing ? name() : name() + "(dense)") + normSuffix(); }
}
