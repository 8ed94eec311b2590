package dev.fluxion.diffeq.sde;

import dev.fluxion.diffeq.OdeSolution;
import dev.fluxion.diffeq.SensitivityAlgorithm;
import dev.fluxion.diffeq.sensitivity.ForwardDuals;
import dev.fluxion.diffeq.sensitivity.ReverseTape;
import dev.fluxion.tensor.Dispatch;
import dev.fluxion.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * Gradients of an SDE solve whose u0 or p is on a reverse tape, by the strategy the options name
 * (the same objects as for ODEs): {@code ReverseTape} (the tape through the stepper, or for SRI
 * methods one op with the discrete adjoint, {@link SrkDiscreteAdjoint}),
 * {@code ForwardDuals} (dual lanes, one op), {@code BacksolveAdjoint} (the Stratonovich adjoint,
 * {@link SdeAdjoint}). Every one is a pathwise derivative on the solve's fixed path. Default:
 * ForwardDuals up to 100 inputs, else ReverseTape.
 */
final class SdeSensitivity {
    private SdeSensitivity() {}

    static OdeSolution solve(SdeSpec spec) {
        SensitivityAlgorithm s = spec.options.sensealg();
        if (s == null) s = spec.u0.size() + spec.p.size() <= 100 ? new ForwardDuals() : new ReverseTape();
        if (s instanceof ReverseTape) {
            // an SRI solve of compiled f and g: one op with the discrete adjoint; else the tape through the stepper's ops
            return SrkDiscreteAdjoint.applies(spec) ? SrkDiscreteAdjoint.solve(spec, s) : spec.integrate().withSensealg(s);
        }
        if (s instanceof ForwardDuals fd) {
            SdeDualOp op = new SdeDualOp(spec, fd.chunk());
            Tensor series = Dispatch.apply(op, spec.u0, spec.p);
            return asSolution(series, op.times(), op.retcode(), op.stats(), s);
        }
        if (s instanceof dev.fluxion.diffeq.sensitivity.BacksolveAdjoint) return SdeAdjoint.solve(spec, s);
        throw new UnsupportedOperationException(s.name() + " is not available for SDE solves; use ReverseTape, ForwardDuals or BacksolveAdjoint");
    }

    static OdeSolution asSolution(Tensor series, double[] ts, dev.fluxion.diffeq.ReturnCode rc, dev.fluxion.diffeq.SolverStats stats,
                                  SensitivityAlgorithm s) {
        List<Tensor> states = new ArrayList<>(ts.length);
        for (int i = 0; i < ts.length; i++) states.add(series.get(i));
        return new OdeSolution(ts, states, series, rc, stats, null).withSensealg(s);
    }

    /**
     * A solve's saved states as rows: rows[i] is the i-th saved state's buffer (tensors are
     * immutable, so it is shared, not copied), and the result holds them one after another, the
     * data of the op's [T, n] output.
     */
    static double[] savedRows(OdeSolution sol, double[][] rows, int n) {
        double[] flat = new double[rows.length * n];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = sol.u(i).unsafeData();
            System.arraycopy(rows[i], 0, flat, i * n, n);
        }
        return flat;
    }
}
