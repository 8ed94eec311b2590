package dev.fluxion.diffeq.stiff;

/** Shampine & Reichelt's L-stable order-2 W-method with an order-3 error estimate and free dense output (MATLAB's ode23s): cheap and robust at loose tolerances, for stiff problems and index-1 DAEs. */
public final class Rosenbrock23 implements RosenbrockAlgorithm {
    @Override public RosenbrockTableau tableau() { return RosenbrockTableaus.ROSENBROCK23; }

    @Override public String toString() { return "Rosenbrock23"; }
}
