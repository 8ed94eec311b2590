package dev.fluxion.diffeq.ode;


/** Verner's most efficient 9(8) pair with his ninth-order lazy interpolant: for tolerances below 1e-12. */
public final class Vern9 implements ExplicitRkAlgorithm {
    @Override public ExplicitRkTableau tableau() { return Verner9Tableau.VERN9; }


    @Override public String toString() { return "Vern9"; }
}
