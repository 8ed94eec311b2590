package dev.fluxion.diffeq.ode;


/** The explicit midpoint method, order 2, fixed step (set SolveOptions.dt). */
public final class Midpoint implements ExplicitRkAlgorithm {
    @Override public ExplicitRkTableau tableau() { return ClassicalTableaus.MIDPOINT; }


    @Override public String toString() { return "Midpoint"; }
}
