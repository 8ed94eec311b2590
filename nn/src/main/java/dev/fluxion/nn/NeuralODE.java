package dev.fluxion.nn;

import dev.fluxion.autodiff.Parameter;
import dev.fluxion.diffeq.OdeAlgorithm;
import dev.fluxion.diffeq.OdeProblem;
import dev.fluxion.diffeq.OdeSolution;
import dev.fluxion.diffeq.SolveOptions;
import dev.fluxion.tensor.Tensor;

import java.util.List;

/**
 * A neural ODE layer (Chen et al. 2018; DiffEqFlux's NeuralODE): du/dt = model(u), solved from
 * the input over [t0, t1]. {@link #apply} returns the saved series [nt, ...u.shape]. Its
 * parameters are the model's; the solve is differentiated by the options' sensealg (any of the
 * sensitivity methods), with the model's parameters flattened into the problem's p.
 */
public final class NeuralODE implements Layer {
    private final Layer model;
    private final Flat flat;
    private final OdeProblem problem;
    private final OdeAlgorithm alg;
    private final SolveOptions options;

    public NeuralODE(Layer model, double t0, double t1, OdeAlgorithm alg, SolveOptions options) {
        this.model = model;
        this.flat = new Flat(model);
        this.alg = alg;
        this.options = options;
        // One problem for the layer's lifetime: every apply remakes it, sharing f's compiled programs.
        this.problem = new OdeProblem((u, p, t) -> model.apply(u, flat.unflatten(p)), Tensor.zeros(0), t0, t1, flat.flatten());
    }

    public Layer model() { return model; }

    @Override public List<Parameter> parameters() { return model.parameters(); }

    /** The full solution from u0 with the parameters' current values. */
    public OdeSolution solve(Tensor u0) {
        return problem.withU0(u0).withP(flat.flatten()).solve(alg, options);
    }

    /** The saved series from u0. */
    @Override public Tensor apply(Tensor u0) { return solve(u0).u(); }

    @Override public Tensor apply(Tensor u0, List<Tensor> params) {
        return problem.withU0(u0).withP(flat.flatten(params)).solve(alg, options).u();
    }

    @Override public String describe() { return "NeuralODE(" + model.describe() + ", " + alg.name() + ")"; }
}
