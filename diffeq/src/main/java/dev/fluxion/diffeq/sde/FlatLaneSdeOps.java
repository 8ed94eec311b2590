package dev.fluxion.diffeq.sde;

import dev.fluxion.diffeq.FlatStateOps;
import dev.fluxion.tensor.Shape;

/**
 * The SDE plan for ForwardDuals on flat arrays: a state is [u, U] with K lanes of ∂u after the
 * primal state, f and g run their compiled value-and-JVP programs, and the noise products act on
 * every lane alike (they are linear in g). Step control reads the primal part only, so the steps
 * are those of the plain solve and the lanes are the exact derivative of the discrete solve.
 */
final class FlatLaneSdeOps extends SdeOps<double[]> {
    private final LaneRunner g;
    private final int lanes, gsize;

    FlatLaneSdeOps(LaneRunner f, LaneRunner g, Shape uShape, int lanes, NoiseKind noise, int m, BrownianTree path) {
        super(new FlatStateOps(f, Shape.of(uShape.size() * (1 + lanes)), uShape.size()), noise, uShape.size(), m, path);
        this.g = g;
        this.lanes = lanes;
        this.gsize = noise == NoiseKind.GENERAL ? uShape.size() * m : uShape.size();
    }

    @Override double[] diffusion(double[] x, double t) { return g.eval(x, t); }

    @Override boolean diffusesInto() { return true; }

    @Override void diffusionInto(double[] x, double t, double[] out) { g.evalInto(x, t, out, 0); }

    @Override double[] scale(double[] x, double[] w) {
        double[] out = new double[x.length];
        for (int l = 0, o = 0; l <= lanes; l++, o += n) {
            for (int i = 0; i < n; i++) out[o + i] = x[o + i] * w[i];
        }
        return out;
    }

    @Override double[] matvec(double[] gx, double[] w) {
        double[] out = new double[n * (1 + lanes)];
        for (int l = 0; l <= lanes; l++) {
            int go = l * gsize, oo = l * n;
            for (int i = 0; i < n; i++) {
                double acc = 0.0;
                for (int k = 0; k < m; k++) acc += gx[go + i * m + k] * w[k];
                out[oo + i] = acc;
            }
        }
        return out;
    }
}
