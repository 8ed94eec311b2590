package dev.fluxion.diffeq.sensitivity;

import dev.fluxion.diffeq.OdeSolution;
import dev.fluxion.diffeq.SensitivityAlgorithm;
import dev.fluxion.diffeq.SolveSpec;
import dev.fluxion.tensor.Dispatch;
import dev.fluxion.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * The sensitivity methods that make a whole solve one op on the caller's tape ({@link SolveOp}):
 * forward lanes ({@link ForwardDuals}, {@link ForwardSensitivity}) and the continuous adjoints.
 * Each says what its forward pass keeps ({@link #forward}) and how its backward pass turns the
 * cotangent of the saved series into cotangents of u0 and p ({@link Pass#vjp}); the op, the
 * failure handling and forward mode are shared. The family is closed: its constructor is package
 * private.
 */
public abstract class SolveAsOp implements SensitivityAlgorithm {
    SolveAsOp() {}

    @Override public final OdeSolution solve(SolveSpec spec) {
        if (spec.readsRecordedParameters()) {
            // Parameters read inside f (a model applied in f, inside Parameter.gradients) are
            // implicit inputs of the compiled f, not inputs of this op, so forward lanes and
            // adjoints would not see them: the tape differentiates through the solver instead (the
            // tensor path applies the compiled f with the parameters' values as op inputs). To use
            // this method, pass the parameters through p, as NeuralODE does.
            return spec.integrate().withSensealg(new ReverseTape());
        }
        check(spec);
        SolveOp op = new SolveOp(spec, this);
        Tensor series = Dispatch.apply(op, spec.u0(), spec.p());
        double[] ts = op.times();
        List<Tensor> states = new ArrayList<>(ts.length);
        for (int i = 0; i < ts.length; i++) states.add(series.get(i));
        return new OdeSolution(ts, states, series, op.retcode(), op.stats(), op.denseOutput());
    }

    /** Rejects what the method cannot differentiate, saying what to use instead. */
    void check(SolveSpec spec) {}

    /** The forward pass on primal inputs: the saved series and what the backward pass needs. */
    abstract Pass forward(SolveSpec plain);

    /** Whether forward-mode lanes through this method's op control their error too (the forward sensitivity equations). */
    boolean lanesControlError() { return false; }
}
