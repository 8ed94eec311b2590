package dev.fluxion.optim;

import dev.fluxion.autodiff.Parameter;
import dev.fluxion.tensor.Tensor;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Gradient descent with optional momentum and Nesterov's correction (Sutskever et al. 2013, as
 * PyTorch's SGD): v ← μv + g; θ ← θ − η·(nesterov ? g + μv : v).
 */
public final class Sgd implements Optimizer {
    private final LearningRate lr;
    private final double momentum;
    private final boolean nesterov;
    private final Map<Parameter, double[]> velocity = new IdentityHashMap<>();
    private int t;

    public Sgd(double lr) { this(LearningRate.constant(lr), 0.0, false); }

    public Sgd(double lr, double momentum, boolean nesterov) { this(LearningRate.constant(lr), momentum, nesterov); }

    public Sgd(LearningRate lr, double momentum, boolean nesterov) {
        if (!(momentum >= 0 && momentum < 1)) throw new IllegalArgumentException("Sgd: momentum must be in [0, 1), got " + momentum);
        if (nesterov && momentum == 0) throw new IllegalArgumentException("Sgd: Nesterov needs a positive momentum");
        this.lr = lr;
        this.momentum = momentum;
        this.nesterov = nesterov;
    }

    @Override public void update(List<Parameter> params, List<Tensor> grads) {
        t++;
        double eta = lr.at(t);
        for (int i = 0; i < params.size(); i++) {
            Parameter p = params.get(i);
            double[] g = grads.get(i).unsafeData();
            double[] x = p.value().toDoubleArray();
            if (momentum == 0) {
                for (int j = 0; j < x.length; j++) x[j] -= eta * g[j];
            } else {
                double[] v = velocity.computeIfAbsent(p, k -> new double[g.length]);
                for (int j = 0; j < x.length; j++) {
                    v[j] = momentum * v[j] + g[j];
                    x[j] -= eta * (nesterov ? g[j] + momentum * v[j] : v[j]);
                }
            }
            p.set(Tensor.unsafeWrap(p.value().shape(), x));
        }
    }
}
