package dev.fluxion.diffeq.sensitivity;

import dev.fluxion.diffeq.OdeSolution;
import dev.fluxion.diffeq.SensitivityAlgorithm;
import dev.fluxion.diffeq.SolveSpec;
import dev.fluxion.tensor.Dispatch;
import dev.fluxion.tensor.Tensor;


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
        return new OdeSolution(ts, new SeriesRows(series, ts.length), series, op.retcode(), op.stats(), op.denseOutput());
    }

    /**
     * The saved states as rows of the series, each sliced on first use: a loss over the stacked
     * series ({@code sol.u()}, the common case) then records no slice per saved point on the
     * caller's tape (two ops per row: 101 slices and reshapes were 8 % of the LV gradient by
     * ForwardDuals). A row read while the tape is recording is recorded as before; one read after
     * the tape has closed is a plain value, as any op on that series would be then.
     */
    private static final class SeriesRows extends java.util.AbstractList<Tensor> implements java.util.RandomAccess {
        private final Tensor series;
        private final Tensor[] rows;

        SeriesRows(Tensor series, int n) {
            this.series = series;
            this.rows = new Tensor[n];
        }

        @Override public Tensor get(int i) {
            Tensor r = rows[i];
            if (r == null) rows[i] = r = series.get(i);
            return r;
        }

        @Override public int size() { return rows.length; }
    }

    /** Rejects what the method cannot differentiate, saying what to use instead. */
    void check(SolveSpec spec) {}

    /** The forward pass on primal inputs: the saved series and what the backward pass needs. */
    abstract Pass forward(SolveSpec plain);

    /** Whether forward-mode lanes through this method's op control their error too (the forward sensitivity equations). */
    boolean lanesControlError() { return false; }
}
