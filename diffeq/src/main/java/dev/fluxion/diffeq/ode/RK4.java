package dev.fluxion.diffeq.ode;


/** The classic fourth-order Runge–Kutta method, fixed step (set SolveOptions.dt). */
public final class RK4 implements ExplicitRkAlgorithm {
    @Override public ExplicitRkTableau tableau() { return ClassicalTableaus.RK4; }


    @Override public String toString() { return "RK4"; }
}
