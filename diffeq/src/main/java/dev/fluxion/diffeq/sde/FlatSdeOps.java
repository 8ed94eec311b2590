package dev.fluxion.diffeq.sde;

import dev.fluxion.autodiff.CompiledFunction;
import dev.fluxion.diffeq.FlatStateOps;
import dev.fluxion.tensor.Shape;
import dev.fluxion.tensor.Tensor;

/** The SDE plan on flat arrays for plain solves of a compiled f and g: no tensor per evaluation. */
final class FlatSdeOps extends SdeOps<double[]> {
    private final CompiledFunction.Runner runner;
    private final double[] time = new double[1];
    private final double[][] args = {null, null, time};

    FlatSdeOps(FlatStateOps drift, CompiledFunction cg, Tensor p, Shape shape, NoiseKind noise, int m, BrownianTree path) {
        super(drift, noise, shape.size(), m, path);
        // a small p by reference at each call, a large one bound once (FlatStateOps.of says why)
        this.runner = cg.runner();
        if (p.size() <= FlatStateOps.BY_REFERENCE_MAX) args[1] = p.unsafeData();
        else runner.bind(1, p.unsafeData());
    }

    @Override double[] diffusion(double[] u, double t) {
        args[0] = u;
        time[0] = t;
        return runner.run(args);
    }

    @Override boolean diffusesInto() { return true; }

    /** g straight into out: the generated code's direct entry, no result array. */
    @Override void diffusionInto(double[] u, double t, double[] out) {
        args[0] = u;
        time[0] = t;
        runner.runInto(args, out, 0);
    }

    @Override double[] scale(double[] x, double[] w) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) out[i] = x[i] * w[i];
        return out;
    }

    @Override double[] matvec(double[] g, double[] w) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            double acc = 0.0;
            for (int k = 0; k < m; k++) acc += g[i * m + k] * w[k];
            out[i] = acc;
        }
        return out;
    }
}
