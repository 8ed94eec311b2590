package dev.fluxion.optim;

import dev.fluxion.autodiff.Parameter;

import java.util.List;

/** Called after every iteration with the loss at its start; returning true stops training (DiffEqFlux's cb). */
@FunctionalInterface
public interface Callback {
    boolean onIteration(int iteration, double loss, List<Parameter> params);
}
