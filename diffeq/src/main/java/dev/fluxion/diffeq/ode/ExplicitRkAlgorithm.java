package dev.fluxion.diffeq.ode;

import dev.fluxion.diffeq.OdeAlgorithm;
import dev.fluxion.diffeq.PIController;
import dev.fluxion.diffeq.StateOps;
import dev.fluxion.diffeq.Stepper;

/** An explicit Runge–Kutta method: a tableau, consumed by the one {@link ExplicitRkStepper}. */
public interface ExplicitRkAlgorithm extends OdeAlgorithm {
    ExplicitRkTableau tableau();

    @Override default String name() { return tableau().name(); }

    @Override default int order() { return tableau().order(); }

    @Override default boolean adaptive() { return tableau().adaptive(); }

    /** The step-size controller this method is tuned for (OrdinaryDiffEq.jl's defaults). */
    default PIController controller() { return PIController.forOrder(order()); }

    @Override default <S> Stepper<S, ?> stepper(StateOps<S> ops) { return new ExplicitRkStepper<>(tableau(), ops, controller()); }
}
