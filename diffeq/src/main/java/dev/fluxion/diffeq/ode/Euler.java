package dev.fluxion.diffeq.ode;


/** The explicit Euler method, order 1, fixed step (set SolveOptions.dt). */
public final class Euler implements ExplicitRkAlgorithm {
    @Override public ExplicitRkTableau tableau() { return ClassicalTableaus.EULER; }


    @Override public String toString() { return "Euler"; }
}
