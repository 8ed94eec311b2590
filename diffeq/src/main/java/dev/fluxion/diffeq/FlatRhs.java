package dev.fluxion.diffeq;

/** A right-hand side over flat arrays: the compiled f, or an augmented system (dual lanes, adjoint states). */
@FunctionalInterface
public interface FlatRhs {
    /** dx/dt at (x, t), as a fresh array of x's length. */
    double[] eval(double[] x, double t);
}
