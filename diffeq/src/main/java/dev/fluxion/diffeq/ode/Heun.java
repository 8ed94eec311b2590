package dev.fluxion.diffeq.ode;


/** Heun's method (explicit trapezoidal rule), order 2, fixed step (set SolveOptions.dt). */
public final class Heun implements ExplicitRkAlgorithm {
    @Override public ExplicitRkTableau tableau() { return ClassicalTableaus.HEUN; }


    @Override public String toString() { return "Heun"; }
}
