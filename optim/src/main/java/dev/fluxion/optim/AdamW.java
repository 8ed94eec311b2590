package dev.fluxion.optim;

import dev.fluxion.autodiff.Parameter;
import dev.fluxion.tensor.Tensor;

import java.util.List;

/**
 * Adam with decoupled weight decay (Loshchilov & Hutter 2019, as PyTorch's AdamW):
 * θ ← θ − η·λ·θ before the Adam step.
 */
public final class AdamW implements Optimizer {
    private final LearningRate lr;
    private final double decay;
    private final Adam adam;
    private int t;

    public AdamW(double lr, double decay) { this(LearningRate.constant(lr), 0.9, 0.999, 1e-8, decay); }

    public AdamW(LearningRate lr, double beta1, double beta2, double eps, double decay) {
        if (!(decay >= 0)) throw new IllegalArgumentException("AdamW: decay must be non-negative, got " + decay);
        this.lr = lr;
        this.decay = decay;
        this.adam = new Adam(lr, beta1, beta2, eps);
    }

    @Override public void update(List<Parameter> params, List<Tensor> grads) {
        t++;
        double shrink = 1 - lr.at(t) * decay;
        for (Parameter p : params) p.set(p.value().times(shrink));
        adam.update(params, grads);
    }
}
