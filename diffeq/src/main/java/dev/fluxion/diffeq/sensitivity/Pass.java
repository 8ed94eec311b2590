package dev.fluxion.diffeq.sensitivity;

import dev.fluxion.diffeq.DenseOutput;
import dev.fluxion.diffeq.ReturnCode;
import dev.fluxion.diffeq.SolverStats;

/**
 * What a {@link SolveAsOp} method's forward pass kept (its residuals): the saved times and
 * states, the outcome, and whatever its backward pass reads (a Jacobian, dense output, ...).
 */
abstract class Pass {
    final double[] ts;
    final double[][] ys;
    final ReturnCode retcode;
    final SolverStats stats;

    Pass(double[] ts, double[][] ys, ReturnCode retcode, SolverStats stats) {
        this.ts = ts;
        this.ys = ys;
        this.retcode = retcode;
        this.stats = stats;
    }

    /** The forward dense output when this pass keeps one (for {@code sol.at}), else null. */
    DenseOutput<?, ?> dense() { return null; }

    /** Doubles kept beyond the saved series (the measure of a method's memory). */
    long extraResidualSize() { return 0; }

    /**
     * The cotangents {dL/du0, dL/dp} from the cotangent of the saved series, rows[i] for saved
     * state i; only called after a successful forward pass.
     */
    abstract double[][] vjp(double[][] rows);
}
