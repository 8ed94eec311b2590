package dev.fluxion.diffeq.stiff;

/**
 * Hosea &amp; Shampine's TR-BDF2 (MATLAB's ode23tb): a trapezoidal stage then BDF2, L-stable, order
 * 2 with an order-3 error companion and a piecewise cubic Hermite dense output. Cheap and robust at
 * loose tolerances; handles index-1 DAEs through a singular mass matrix.
 */
public final class TRBDF2 implements EsdirkAlgorithm {
    @Override public EsdirkTableau tableau() { return EsdirkTableaus.TRBDF2; }

    @Override public String toString() { return "TRBDF2"; }
}
