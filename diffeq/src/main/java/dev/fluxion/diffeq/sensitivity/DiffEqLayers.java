package dev.fluxion.diffeq.sensitivity;

import dev.fluxion.diffeq.OdeAlgorithm;
import dev.fluxion.diffeq.OdeProblem;
import dev.fluxion.diffeq.SolveOptions;
import dev.fluxion.tensor.Tensor;

/**
 * The seed's three layer helpers (DiffEqFlux's original diffeq_rd, diffeq_fd and diffeq_adjoint),
 * kept by name: solve prob with parameters p and return the saved series [nt, ...u.shape],
 * differentiable with respect to p by reverse mode through the solver, forward duals, or the
 * adjoint method. They live beside the sensitivity algorithms they name (the root package does not
 * depend on this one).
 */
public final class DiffEqLayers {
    private DiffEqLayers() {}

    /** Reverse mode through the solver. */
    public static Tensor diffeqRd(Tensor p, OdeProblem prob, OdeAlgorithm alg, SolveOptions options) {
        return prob.remake(p).solve(alg, options.sensealg(new ReverseTape())).u();
    }

    /** Forward-mode duals through the solver. */
    public static Tensor diffeqFd(Tensor p, OdeProblem prob, OdeAlgorithm alg, SolveOptions options) {
        return prob.remake(p).solve(alg, options.sensealg(new ForwardDuals())).u();
    }

    /** The (checkpointed interpolating) adjoint method. */
    public static Tensor diffeqAdjoint(Tensor p, OdeProblem prob, OdeAlgorithm alg, SolveOptions options) {
        return prob.remake(p).solve(alg, options.sensealg(new InterpolatingAdjoint())).u();
    }
}
