package dev.fluxion.diffeq.sensitivity;

import dev.fluxion.autodiff.AD;
import dev.fluxion.autodiff.CompiledFunction;
import dev.fluxion.diffeq.OdeAlgorithm;
import dev.fluxion.diffeq.OdeProblem;
import dev.fluxion.diffeq.OdeSolution;
import dev.fluxion.diffeq.Solve;
import dev.fluxion.diffeq.SolveOptions;
import dev.fluxion.tensor.Dispatch;
import dev.fluxion.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * Chooses how a solve is differentiated. Forward-mode inputs (duals) simply flow through the
 * solver's ops whatever the method. When an input is recorded on a reverse tape, the sensitivity
 * algorithm decides: {@link ReverseTape} records the solver; every other method makes the solve
 * one op on the tape ({@link SolveOp}).
 *
 * <p>The default follows DifferentialEquations.jl: forward duals for up to
 * {@value #FORWARD_LIMIT} inputs (u0 and p together), InterpolatingAdjoint above.
 */
public final class Sensitivity {
    private Sensitivity() {}

    /** Inputs (u0 and p elements) up to which forward duals are the default. */
    public static final int FORWARD_LIMIT = 100;

    /** The default method for a problem with this many inputs. */
    public static SensitivityAlgorithm defaultFor(int inputs) {
        return inputs <= FORWARD_LIMIT ? new ForwardDuals() : new InterpolatingAdjoint();
    }

    /** Solves on (u0, p), differentiating as o's sensealg asks. */
    public static OdeSolution solve(OdeProblem prob, Tensor u0, Tensor p, double t0, double t1, OdeAlgorithm alg, SolveOptions o) {
        boolean compile = o.compile() == null || o.compile();
        CompiledFunction cf = compile && u0.isConcrete() && p.isConcrete() ? Solve.compiled(prob, u0, p) : null;
        // Parameters read inside f (a model applied in f, inside Parameter.gradients) are implicit
        // inputs of the compiled f. SolveOp's inputs are only u0 and p, so the adjoint and forward-lane
        // methods would not see them: when one is not plain, the tape differentiates through the
        // solver instead, as ReverseTape does (the tensor path applies cf with the parameters'
        // values as op inputs). Users who want an adjoint pass parameters through p, as NeuralODE does.
        boolean implicitPlain = cf == null || cf.implicitInputsArePlain();
        boolean recorded = AD.isRecorded(u0) || AD.isRecorded(p)
                || (!implicitPlain && cf.implicitValues().stream().anyMatch(AD::isRecorded));
        if (!recorded) return Solve.integrate(prob, u0, p, t0, t1, alg, o);   // duals flow through the solver's ops
        if (!implicitPlain) return Solve.integrate(prob, u0, p, t0, t1, alg, o).withSensealg(new ReverseTape());
        SensitivityAlgorithm s = o.sensealg() != null ? o.sensealg() : defaultFor(u0.size() + p.size());
        if (s instanceof ReverseTape) return Solve.integrate(prob, u0, p, t0, t1, alg, o).withSensealg(s);
        checkSupported(s, alg, o);
        SolveOp op = new SolveOp(prob, alg, o, s, t0, t1, cf);
        Tensor series = Dispatch.apply(op, u0, p);
        double[] ts = op.times();
        List<Tensor> states = new ArrayList<>(ts.length);
        for (int i = 0; i < ts.length; i++) states.add(series.get(i));
        return new OdeSolution(ts, states, series, op.retcode(), op.stats(), op.denseOutput()).withSensealg(s);
    }

    /** Says which method to use instead when a method cannot do what is asked. */
    private static void checkSupported(SensitivityAlgorithm s, OdeAlgorithm alg, SolveOptions o) {
        if (!alg.adaptive() && (o.adaptive() == null || o.adaptive()) && Double.isNaN(o.dt())) return;   // Solve reports it
        if ((s instanceof QuadratureAdjoint || s instanceof InterpolatingAdjoint || s instanceof BacksolveAdjoint)
                && !Double.isNaN(o.dt()) && Boolean.FALSE.equals(o.adaptive())) {
            throw new IllegalArgumentException(s.name() + " integrates a continuous adjoint with adaptive steps, which does not "
                    + "match a fixed-step forward solve's discrete derivative; use ReverseTape or ForwardDuals for fixed-step solves");
        }
    }
}
