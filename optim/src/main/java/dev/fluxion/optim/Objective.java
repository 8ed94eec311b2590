package dev.fluxion.optim;

import dev.fluxion.autodiff.Parameter;

/** The loss and its gradients at the parameters' current values. */
@FunctionalInterface
public interface Objective {
    Parameter.Gradients evaluate();
}
