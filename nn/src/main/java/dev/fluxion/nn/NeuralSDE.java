package dev.fluxion.nn;

import dev.fluxion.autodiff.Parameter;
import dev.fluxion.diffeq.OdeSolution;
import dev.fluxion.diffeq.SolveOptions;
import dev.fluxion.diffeq.sde.NoiseKind;
import dev.fluxion.diffeq.sde.SdeAlgorithm;
import dev.fluxion.diffeq.sde.SdeProblem;
import dev.fluxion.tensor.Tensor;

import java.util.List;

/**
 * A neural SDE layer with general noise (DiffEqFlux's NeuralSDE): du = drift(u) dt + G(u) dW with m
 * Wiener processes, the diffusion network mapping a state of n components to n·m values read as
 * G [n, m] (row-major). Use a method for general noise (EM, EulerHeun; SRA1/SOSRA if G does not
 * depend on u). Otherwise as {@link NeuralDSDE}.
 */
public final class NeuralSDE implements Layer {
    private final NeuralSdeParts parts;
    private final SdeProblem problem;
    private final SdeAlgorithm alg;
    private final SolveOptions options;
    private final int m;

    public NeuralSDE(Layer drift, Layer diffusion, int m, double t0, double t1, SdeAlgorithm alg, SolveOptions options) {
        if (m < 1) throw new IllegalArgumentException("NeuralSDE: the number of noise channels m must be at least 1, got " + m);
        this.parts = new NeuralSdeParts(drift, diffusion);
        this.alg = alg;
        this.options = options;
        this.m = m;
        this.problem = new SdeProblem((u, p, t) -> parts.driftOf(u, p), (u, p, t) -> {
            Tensor g = parts.diffusionOf(u, p);
            if (g.size() != u.size() * m) {
                throw new IllegalArgumentException("NeuralSDE: the diffusion network returned " + g.size() + " values for a state of "
                        + u.size() + " components; it must return n·m = " + u.size() * m);
            }
            return g.reshape(u.size(), m);
        }, Tensor.zeros(0), t0, t1, parts.flatten()).withNoise(NoiseKind.GENERAL, m);
    }

    /** Number of Wiener processes. */
    public int channels() { return m; }

    @Override public List<Parameter> parameters() { return parts.parameters(); }

    public OdeSolution solve(Tensor u0) { return solve(u0, options); }

    public OdeSolution solve(Tensor u0, SolveOptions o) { return problem.withU0(u0).withP(parts.flatten()).solve(alg, o); }

    @Override public Tensor apply(Tensor u0) { return solve(u0).u(); }

    @Override public Tensor apply(Tensor u0, List<Tensor> params) {
        return problem.withU0(u0).withP(parts.flatten(params)).solve(alg, options).u();
    }

    /** The problem the layer solves (for ensembles: remake it per trajectory). */
    public SdeProblem problem(Tensor u0) { return problem.withU0(u0).withP(parts.flatten()); }

    @Override public String describe() { return "NeuralSDE(" + parts.drift.describe() + ", " + parts.diffusion.describe() + ", m = " + m + ", " + alg.name() + ")"; }
}
