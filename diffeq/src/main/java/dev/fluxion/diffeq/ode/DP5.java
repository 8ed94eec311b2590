package dev.fluxion.diffeq.ode;

import dev.fluxion.diffeq.PIController;

/** Dormand–Prince 5(4), FSAL, with Shampine's fourth-order dense output (MATLAB's ode45, SciPy's RK45). */
public final class DP5 implements ExplicitRkAlgorithm {
    @Override public ExplicitRkTableau tableau() { return DormandPrinceTableau.DP5; }

    @Override public PIController controller() { return PIController.dopri5(); }

    @Override public String toString() { return "DP5"; }
}
