package dev.fluxion.optim;

import dev.fluxion.autodiff.Parameter;
import dev.fluxion.tensor.Tensor;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/** RMSProp (Tieleman & Hinton 2012, as Flux): a ← ρa + (1−ρ)g², θ ← θ − η·g/(√a + ε). */
public final class RmsProp implements Optimizer {
    private final LearningRate lr;
    private final double rho, eps;
    private final Map<Parameter, double[]> acc = new IdentityHashMap<>();
    private int t;

    /** ρ = 0.9, ε = 1e-8. */
    public RmsProp(double lr) { this(LearningRate.constant(lr), 0.9, 1e-8); }

    public RmsProp(LearningRate lr, double rho, double eps) {
        if (!(rho >= 0 && rho < 1 && eps > 0)) throw new IllegalArgumentException("RmsProp: need 0 <= rho < 1 and eps > 0, got " + rho + ", " + eps);
        this.lr = lr;
        this.rho = rho;
        this.eps = eps;
    }

    @Override public void update(List<Parameter> params, List<Tensor> grads) {
        t++;
        double eta = lr.at(t);
        for (int i = 0; i < params.size(); i++) {
            Parameter p = params.get(i);
            double[] g = grads.get(i).unsafeData();
            double[] a = acc.computeIfAbsent(p, k -> new double[g.length]);
            double[] x = p.value().toDoubleArray();
            for (int j = 0; j < x.length; j++) {
                a[j] = rho * a[j] + (1 - rho) * g[j] * g[j];
                x[j] -= eta * g[j] / (Math.sqrt(a[j]) + eps);
            }
            p.set(Tensor.unsafeWrap(p.value().shape(), x));
        }
    }
}
