package dev.fluxion.diffeq.stiff;

import dev.fluxion.diffeq.FlatStateOps;
import dev.fluxion.diffeq.OdeAlgorithm;
import dev.fluxion.diffeq.PIController;
import dev.fluxion.diffeq.StateOps;
import dev.fluxion.diffeq.Stepper;

/** A Rosenbrock method: a tableau, consumed by the one {@link RosenbrockStepper}. Takes constant mass matrices, singular ones included. */
public interface RosenbrockAlgorithm extends OdeAlgorithm {
    RosenbrockTableau tableau();

    @Override default String name() { return tableau().name(); }

    @Override default int order() { return tableau().order(); }

    @Override default boolean adaptive() { return true; }

    @Override default boolean implicit() { return true; }

    @Override default boolean acceptsMassMatrix() { return true; }

    /** The step-size controller (OrdinaryDiffEq.jl's PI defaults for the method's order). */
    default PIController controller() { return PIController.forOrder(order()); }

    @Override default <S> Stepper<S, ?> stepper(StateOps<S> ops) { return stepper(ops, null); }

    /** On the flat plan (plain solves of a compiled f) the stepper written for flat arrays; else the generic one. */
    @SuppressWarnings("unchecked")
    @Override default <S> Stepper<S, ?> stepper(StateOps<S> ops, double[] mass) {
        if (ops instanceof FlatStateOps flat) return (Stepper<S, ?>) new FlatRosenbrockStepper(tableau(), flat, controller(), mass);
        return new RosenbrockStepper<>(tableau(), ops, controller(), mass);
    }
}
