package dev.fluxion.diffeq.ode;


/** Verner's most efficient 7(6) pair with his seventh-order lazy interpolant: for tolerances around 1e-7 to 1e-12. */
public final class Vern7 implements ExplicitRkAlgorithm {
    @Override public ExplicitRkTableau tableau() { return Verner7Tableau.VERN7; }


    @Override public String toString() { return "Vern7"; }
}
