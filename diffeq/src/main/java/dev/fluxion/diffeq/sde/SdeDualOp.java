package dev.fluxion.diffeq.sde;

import dev.fluxion.autodiff.AD;
import dev.fluxion.autodiff.DualLevel;
import dev.fluxion.diffeq.OdeSolution;
import dev.fluxion.diffeq.ReturnCode;
import dev.fluxion.diffeq.SolverStats;
import dev.fluxion.tensor.Lanes;
import dev.fluxion.tensor.Op;
import dev.fluxion.tensor.Shape;
import dev.fluxion.tensor.Tensor;

import java.util.Arrays;

/**
 * ForwardDuals for an SDE (the seed's {@code diffeq_fd}): the solve as one op on the caller's tape,
 * inputs (u0, p), output the saved series. Its forward runs the solve with one dual lane per input
 * (chunked) on the tensor plan, on the spec's fixed path: the pathwise Jacobian of the discrete
 * solve, steps steered by primal values only. Its VJP is Jᵀ·cotangent; its JVP a lane solve.
 */
final class SdeDualOp extends Op {
    private final SdeSpec spec;
    private final int chunk;
    private double[] ts;
    private double[][] jacobian;   // [input][nt·n]
    private ReturnCode retcode;
    private SolverStats stats;
    private int n;

    SdeDualOp(SdeSpec spec, int chunk) {
        this.spec = spec;
        this.chunk = chunk;
    }

    @Override public String name() { return "sdeSolve[" + spec.alg.name() + ", ForwardDuals]"; }

    double[] times() { return ts.clone(); }

    ReturnCode retcode() { return retcode; }

    SolverStats stats() { return stats; }

    @Override public Tensor forward(Tensor[] in) {
        Shape us = in[0].shape();
        n = us.size();
        int np = in[1].size(), total = n + np;
        int width = chunk > 0 ? chunk : Math.min(Math.max(total, 1), 64);
        jacobian = new double[total][];
        double[] flat = null;
        for (int start = 0; start < total || start == 0; start += width) {
            int k = Math.max(1, Math.min(width, total - start));
            double[] seedU = new double[k * n], seedP = new double[k * np];
            for (int l = 0; l < k && start + l < total; l++) {
                int j = start + l;
                if (j < n) seedU[l * n + j] = 1.0;
                else seedP[l * np + (j - n)] = 1.0;
            }
            DualLevel level = new DualLevel(k);
            try {
                Tensor ud = level.dual(in[0], Tensor.of(us.prepend(k), seedU));
                Tensor pd = np == 0 ? in[1] : level.dual(in[1], Tensor.of(in[1].shape().prepend(k), seedP));
                OdeSolution sol = spec.withInputs(ud, pd).integrate();
                Tensor series = sol.u();
                if (flat == null) {
                    ts = sol.t();
                    retcode = sol.retcode();
                    stats = sol.stats();
                    flat = level.primalOf(series).toDoubleArray();
                }
                double[] tan = level.tangentOf(series).toDoubleArray();   // [k, nt, ...]
                int len = ts.length * n;
                for (int l = 0; l < k && start + l < total; l++) jacobian[start + l] = Arrays.copyOfRange(tan, l * len, (l + 1) * len);
            } finally {
                level.close();
            }
            if (total == 0) break;
        }
        return Tensor.unsafeWrap(us.prepend(ts.length), flat);
    }

    @Override public Tensor[] vjp(Tensor[] in, Tensor out, Tensor ct, boolean[] needs) {
        if (!in[0].isPrimal() || !in[1].isPrimal() || !ct.isPrimal()) {
            return AD.vjps(xs -> spec.withInputs(xs[0], xs[1]).integrate().u(), ct, in);
        }
        if (!retcode.successful()) {
            return new Tensor[] {Tensor.full(Double.NaN, in[0].shape()), Tensor.full(Double.NaN, in[1].shape())};
        }
        double[] c = ct.unsafeData();
        int np = in[1].size();
        double[] gu = new double[n], gp = new double[np];
        for (int j = 0; j < n + np; j++) {
            double[] col = jacobian[j];
            double acc = 0.0;
            for (int q = 0; q < col.length; q++) acc += col[q] * c[q];
            if (j < n) gu[j] = acc;
            else gp[j - n] = acc;
        }
        return new Tensor[] {needs[0] ? Tensor.unsafeWrap(in[0].shape(), gu) : null, needs[1] ? Tensor.unsafeWrap(in[1].shape(), gp) : null};
    }

    @Override public Tensor jvp(Tensor[] in, Tensor out, Tensor[] t) {
        int k = Lanes.count(t);
        if (k == 0) return null;
        DualLevel level = new DualLevel(k);
        try {
            Tensor ud = t[0] == null ? in[0] : level.dual(in[0], t[0]);
            Tensor pd = t[1] == null ? in[1] : level.dual(in[1], t[1]);
            return level.tangentOf(spec.withInputs(ud, pd).integrate().u());
        } finally {
            level.close();
        }
    }
}
