package dev.fluxion.diffeq.stiff;

import dev.fluxion.diffeq.OdeAlgorithm;
import dev.fluxion.diffeq.PIController;
import dev.fluxion.diffeq.StateOps;
import dev.fluxion.diffeq.Stepper;

/** An ESDIRK method: a tableau, consumed by the one {@link EsdirkStepper}. Takes constant mass matrices, singular ones included. */
public interface EsdirkAlgorithm extends OdeAlgorithm {
    EsdirkTableau tableau();

    @Override default String name() { return tableau().name(); }

    @Override default int order() { return tableau().order(); }

    @Override default boolean adaptive() { return true; }

    @Override default boolean implicit() { return true; }

    @Override default boolean acceptsMassMatrix() { return true; }

    /** The step-size controller (OrdinaryDiffEq.jl's PI defaults for the method's order). */
    default PIController controller() { return PIController.forOrder(order()); }

    @Override default <S> Stepper<S, ?> stepper(StateOps<S> ops) { return stepper(ops, null); }

    @Override default <S> Stepper<S, ?> stepper(StateOps<S> ops, double[] mass) {
        return new EsdirkStepper<>(tableau(), ops, controller(), mass);
    }
}
