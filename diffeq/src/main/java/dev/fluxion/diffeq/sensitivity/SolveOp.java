package dev.fluxion.diffeq.sensitivity;

import dev.fluxion.autodiff.AD;
import dev.fluxion.autodiff.DualLevel;
import dev.fluxion.diffeq.DenseOutput;
import dev.fluxion.diffeq.ReturnCode;
import dev.fluxion.diffeq.SolveSpec;
import dev.fluxion.diffeq.SolverStats;
import dev.fluxion.tensor.Lanes;
import dev.fluxion.tensor.Op;
import dev.fluxion.tensor.Shape;
import dev.fluxion.tensor.Tensor;

import java.util.Arrays;

/**
 * A whole solve as one op on the caller's graph, inputs (u0, p), output the saved series
 * [nt, ...u.shape]: its forward is the method's forward pass, its VJP the method's backward pass
 * (an adjoint solve, or Jᵀ·cotangent from forward lanes), its JVP a forward-lane solve. One
 * instance per application holds what its forward kept (the residuals). A failed solve has NaN
 * derivatives in every mode.
 *
 * <p>When the inputs carry further levels (a derivative of a derivative), the rules fall back to
 * differentiating the solver's own ops, which is always correct.
 */
final class SolveOp extends Op {
    private final SolveSpec spec;
    private final SolveAsOp method;
    private Pass pass;
    private int n;

    SolveOp(SolveSpec spec, SolveAsOp method) {
        this.spec = spec;
        this.method = method;
    }

    @Override public String name() { return "solve[" + spec.alg().name() + ", " + method.name() + "]"; }

    double[] times() { return pass.ts.clone(); }

    ReturnCode retcode() { return pass.retcode; }

    SolverStats stats() { return pass.stats; }

    DenseOutput<?, ?> denseOutput() { return pass.dense(); }

    /** Doubles this op keeps for its backward pass (the measure of an adjoint's memory). */
    @Override public long residualSize() {
        if (pass == null) return 0;
        return n + (long) pass.ys.length * n + pass.extraResidualSize();
    }

    @Override public Tensor forward(Tensor[] in) {
        Shape us = in[0].shape();
        n = us.size();
        pass = method.forward(spec.withInputs(in[0], in[1]));
        int nt = pass.ts.length;
        double[] flat = new double[nt * n];
        for (int i = 0; i < nt; i++) System.arraycopy(pass.ys[i], 0, flat, i * n, n);
        return Tensor.unsafeWrap(us.prepend(nt), flat);
    }

    @Override public Tensor[] vjp(Tensor[] in, Tensor out, Tensor ct, boolean[] needs) {
        if (!in[0].isPrimal() || !in[1].isPrimal() || !ct.isPrimal()) {
            return AD.vjps(xs -> spec.withInputs(xs[0], xs[1]).integrate().u(), ct, in);
        }
        if (!pass.retcode.successful()) {
            return new Tensor[] {Tensor.full(Double.NaN, in[0].shape()), Tensor.full(Double.NaN, in[1].shape())};
        }
        double[] c = ct.unsafeData();
        double[][] rows = new double[pass.ts.length][];
        for (int i = 0; i < rows.length; i++) rows[i] = Arrays.copyOfRange(c, i * n, (i + 1) * n);
        double[][] g = pass.vjp(rows);
        return new Tensor[] {needs[0] ? Tensor.unsafeWrap(in[0].shape(), g[0]) : null,
                needs[1] ? Tensor.unsafeWrap(in[1].shape(), g[1]) : null};
    }

    @Override public Tensor jvp(Tensor[] in, Tensor out, Tensor[] t) {
        int k = Lanes.count(t);
        if (k == 0) return null;
        if (!in[0].isPrimal() || !in[1].isPrimal() || (t[0] != null && !t[0].isPrimal()) || (t[1] != null && !t[1].isPrimal())) {
            DualLevel level = new DualLevel(k);
            try {
                Tensor ud = t[0] == null ? in[0] : level.dual(in[0], t[0]);
                Tensor pd = t[1] == null ? in[1] : level.dual(in[1], t[1]);
                return level.tangentOf(spec.withInputs(ud, pd).integrate().u());
            } finally {
                level.close();
            }
        }
        int nt = out.dim(0);
        double[] flat = new double[k * nt * n];
        if (!pass.retcode.successful()) {
            Arrays.fill(flat, Double.NaN);
            return Tensor.unsafeWrap(out.shape().prepend(k), flat);
        }
        double[] seedU = t[0] == null ? new double[k * n] : t[0].unsafeData();
        double[] seedP = t[1] == null || in[1].size() == 0 ? null : t[1].unsafeData();
        DualSolve.Result r = DualSolve.run(spec.withInputs(in[0], in[1]), k, seedU, seedP, method.lanesControlError());
        for (int l = 0; l < k; l++) {
            for (int i = 0; i < nt; i++) {
                if ((i + 1) * n <= r.lanes()[l].length) System.arraycopy(r.lanes()[l], i * n, flat, (l * nt + i) * n, n);
                else Arrays.fill(flat, (l * nt + i) * n, (l * nt + i + 1) * n, Double.NaN);
            }
        }
        return Tensor.unsafeWrap(out.shape().prepend(k), flat);
    }
}
