package dev.fluxion.optim;

import dev.fluxion.autodiff.Parameter;
import dev.fluxion.tensor.Tensor;

import java.util.List;

/**
 * A rule that moves parameters downhill. First-order methods see one gradient per iteration
 * ({@link #update}); line-search methods evaluate the objective as often as they need
 * ({@link #step}). State is kept per parameter object.
 */
public interface Optimizer {
    /** Updates the parameters from their gradients at the current values. */
    void update(List<Parameter> params, List<Tensor> grads);

    /** One iteration: evaluates the objective, updates, and returns the loss at the start. */
    default double step(Objective objective, List<Parameter> params) {
        Parameter.Gradients g = objective.evaluate();
        if (Double.isFinite(g.loss())) update(params, g.gradients());
        return g.loss();
    }
}
