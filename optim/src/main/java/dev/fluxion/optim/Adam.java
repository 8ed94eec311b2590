package dev.fluxion.optim;

import dev.fluxion.autodiff.Parameter;
import dev.fluxion.tensor.Tensor;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adam (Kingma & Ba 2015), as Flux computes it: m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g²,
 * θ ← θ − η·m̂/(√v̂ + ε) with bias corrections m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ).
 */
public final class Adam implements Optimizer {
    private final LearningRate lr;
    private final double beta1, beta2, eps;
    private final Map<Parameter, double[][]> state = new IdentityHashMap<>();
    private int t;

    /** η = lr, β = (0.9, 0.999), ε = 1e-8 (Flux's defaults). */
    public Adam(double lr) { this(LearningRate.constant(lr), 0.9, 0.999, 1e-8); }

    public Adam(LearningRate lr, double beta1, double beta2, double eps) {
        if (!(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1 && eps > 0)) {
            throw new IllegalArgumentException("Adam: need 0 <= beta1, beta2 < 1 and eps > 0, got " + beta1 + ", " + beta2 + ", " + eps);
        }
        this.lr = lr;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
    }

    /** Iterations taken. */
    public int iterations() { return t; }

    @Override public void update(List<Parameter> params, List<Tensor> grads) {
        t++;
        double eta = lr.at(t);
        double c1 = 1 - Math.pow(beta1, t), c2 = 1 - Math.pow(beta2, t);
        for (int i = 0; i < params.size(); i++) {
            Parameter p = params.get(i);
            double[] g = grads.get(i).unsafeData();
            double[][] mv = state.computeIfAbsent(p, k -> new double[][] {new double[g.length], new double[g.length]});
            double[] m = mv[0], v = mv[1];
            double[] x = p.value().toDoubleArray();
            for (int j = 0; j < x.length; j++) {
                m[j] = beta1 * m[j] + (1 - beta1) * g[j];
                v[j] = beta2 * v[j] + (1 - beta2) * g[j] * g[j];
                x[j] -= eta * (m[j] / c1) / (Math.sqrt(v[j] / c2) + eps);
            }
            p.set(Tensor.unsafeWrap(p.value().shape(), x));
        }
    }
}
