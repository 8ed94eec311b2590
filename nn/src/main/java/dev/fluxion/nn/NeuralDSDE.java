package dev.fluxion.nn;

import dev.fluxion.autodiff.Parameter;
import dev.fluxion.diffeq.OdeSolution;
import dev.fluxion.diffeq.SolveOptions;
import dev.fluxion.diffeq.sde.SdeAlgorithm;
import dev.fluxion.diffeq.sde.SdeProblem;
import dev.fluxion.tensor.Tensor;

import java.util.List;

/**
 * A neural SDE layer with diagonal noise (DiffEqFlux's NeuralDSDE): du = drift(u) dt + diffusion(u) ⊙ dW,
 * both networks mapping a state to a state, solved from the input over [t0, t1]. {@link #apply}
 * returns the saved series of one path [nt, ...u.shape]; the path is the options' seed (unset: a new
 * path per call). The parameters are both networks'; gradients by the options' sensealg (ReverseTape,
 * ForwardDuals or BacksolveAdjoint), the networks' parameters flattened into the problem's p.
 */
public final class NeuralDSDE implements Layer {
    private final NeuralSdeParts parts;
    private final SdeProblem problem;
    private final SdeAlgorithm alg;
    private final SolveOptions options;

    public NeuralDSDE(Layer drift, Layer diffusion, double t0, double t1, SdeAlgorithm alg, SolveOptions options) {
        this.parts = new NeuralSdeParts(drift, diffusion);
        this.alg = alg;
        this.options = options;
        this.problem = new SdeProblem((u, p, t) -> parts.driftOf(u, p), (u, p, t) -> parts.diffusionOf(u, p),
                Tensor.zeros(0), t0, t1, parts.flatten());
    }

    public Layer drift() { return parts.drift; }

    public Layer diffusion() { return parts.diffusion; }

    @Override public List<Parameter> parameters() { return parts.parameters(); }

    /** One path's full solution from u0 with the parameters' current values. */
    public OdeSolution solve(Tensor u0) { return solve(u0, options); }

    /** One path from u0 with other options (another seed: {@code options.seed(k)}). */
    public OdeSolution solve(Tensor u0, SolveOptions o) {
        return problem.withU0(u0).withP(parts.flatten()).solve(alg, o);
    }

    @Override public Tensor apply(Tensor u0) { return solve(u0).u(); }

    @Override public Tensor apply(Tensor u0, List<Tensor> params) {
        return problem.withU0(u0).withP(parts.flatten(params)).solve(alg, options).u();
    }

    /** The problem the layer solves (for ensembles: remake it per trajectory). */
    public SdeProblem problem(Tensor u0) { return problem.withU0(u0).withP(parts.flatten()); }

    @Override public String describe() { return "NeuralDSDE(" + parts.drift.describe() + ", " + parts.diffusion.describe() + ", " + alg.name() + ")"; }
}
