package dev.fluxion.diffeq.sensitivity;

import dev.fluxion.diffeq.OdeAlgorithm;
import dev.fluxion.diffeq.OdeProblem;
import dev.fluxion.diffeq.OdeSolution;
import dev.fluxion.diffeq.SolveOptions;
import dev.fluxion.tensor.Tensor;

/**
 * The adjoint method of the Neural ODE paper (Chen et al. 2018): after a plain forward solve,
 * the state, the adjoint λ and the parameter gradient μ are integrated backwards together,
 * λ' = −(∂f/∂u)ᵀλ, μ' = −(∂f/∂p)ᵀλ, reconstructing u(t) by solving the ODE backwards. Memory is
 * O(1) in the number of steps. Reconstructing u backwards can be unstable (chaotic or stiff
 * problems); with checkpointing (the default, as SciMLSensitivity) u is reset to the saved forward
 * state at every saved time, which bounds the drift; without it the method is the paper's.
 */
public final class BacksolveAdjoint extends ContinuousAdjoint {
    private final boolean checkpointing;

    public BacksolveAdjoint() { this(true); }

    public BacksolveAdjoint(boolean checkpointing) { this.checkpointing = checkpointing; }

    public boolean checkpointing() { return checkpointing; }

    /**
     * What backsolve does to the state, without checkpoints: solve forward to t1, then the ODE
     * backwards from u(t1) to t0, returning the reconstructed u0 (compare it with the true u0 to
     * see whether backsolve can be trusted on a problem). The seed's Lorenz example: over
     * [0, 100] the reconstruction is far off.
     */
    public static Tensor reconstructInitialState(OdeProblem prob, OdeAlgorithm alg, SolveOptions options) {
        SolveOptions o = options.withoutSaveat().saveEverystep(false).sensealg(null);
        OdeSolution forward = prob.solve(alg, o);
        Tensor[] span = prob.tspan();
        OdeProblem back = prob.withU0(forward.last().primal()).withTspan(span[1].valueAt(0), span[0].valueAt(0));
        return back.solve(alg, o).last();
    }

    @Override boolean keepsForwardDense() { return false; }

    @Override double[][] backward(Adjoint adjoint, ForwardPass f, double[][] rows) {
        return adjoint.backsolve(f.ts, f.ys, rows, f.u0, checkpointing, null);
    }

    @Override public BacksolveAdjoint withNorm(AdjointNorm norm) { return (BacksolveAdjoint) super.withNorm(norm); }

    @Override public String name() { return "BacksolveAdjoint"; }

    @Override public String toString() { return (checkpointing ? name() : name() + "(checkpointing=false)") + normSuffix(); }
}
