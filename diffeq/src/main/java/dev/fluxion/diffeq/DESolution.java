package dev.fluxion.diffeq;

import dev.fluxion.tensor.Tensor;

import java.util.List;

/**
 * What every differential-equation solution offers (SciML's {@code AbstractTimeseriesSolution}):
 * saved times and states, interpolation, a return code and work statistics. {@link OdeSolution}
 * implements it; SDE, DDE and jump solutions implement it the same way, so ensembles, summaries and
 * plots read any solution.
 */
public interface DESolution {
    /** Saved times. */
    double[] t();

    /** The saved states stacked: shape [nt, ...u.shape]. */
    Tensor u();

    /** Saved state i (negative i counts from the end). */
    Tensor u(int i);

    /** The saved states as a list. */
    List<Tensor> states();

    /** u(time): the solution's interpolant anywhere in the solved span. */
    Tensor at(double time);

    ReturnCode retcode();

    SolverStats stats();
}
