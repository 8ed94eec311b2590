package dev.fluxion.diffeq;

/** A right-hand side over flat arrays: the compiled f, or an augmented system (dual lanes, adjoint states). */
@FunctionalInterface
public interface FlatRhs {
    /** dx/dt at (x, t), as a fresh array of x's length. */
    double[] eval(double[] x, double t);

    /**
     * dx/dt at (x, t) written into out from offset (x's length values); out is not x. The compiled
     * f writes straight into out ({@link FlatStateOps#evalInto}); by default this copies eval's result.
     */
    default void evalInto(double[] x, double t, double[] out, int offset) {
        double[] r = eval(x, t);
        System.arraycopy(r, 0, out, offset, r.length);
    }

    /**
     * Whether {@link #evalInto} writes f straight into out at offset 0 (no fresh result copied in), so a
     * stepper gains by reusing its stage arrays (ExplicitRkStepper); false by default.
     */
    default boolean writesInto() { return false; }
}
