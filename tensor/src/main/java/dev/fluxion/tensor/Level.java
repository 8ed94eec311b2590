package dev.fluxion.tensor;

/**
 * One active level of differentiation or tracing (a reverse tape, a set of forward dual lanes, a
 * trace being recorded). Levels are ordered by tag: a level created inside another has a larger
 * tag, so an op on mixed inputs is handled by the innermost level first, which strips its own
 * wrappers, lets the levels beneath compute the value, then adds its own derivative information.
 * This tagging is what keeps nested modes free of perturbation confusion.
 *
 * <p>This is the seam between {@code tensor} and {@code autodiff}: the autodiff module implements
 * the levels; the tensor module only dispatches to them.
 */
public interface Level {
    /** Larger is inner. Unique per level. */
    long tag();

    /** A level that has finished (its AD call returned) no longer wraps anything: its tensors act as constants. */
    boolean active();

    /**
     * Applies op to inputs of which at least one is wrapped by this level (as its outermost
     * wrapper). Inputs are owned by the callee.
     */
    Tensor apply(Op op, Tensor[] inputs);
}
