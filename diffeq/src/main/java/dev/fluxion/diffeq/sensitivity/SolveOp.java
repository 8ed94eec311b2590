package dev.fluxion.diffeq.sensitivity;

import dev.fluxion.autodiff.AD;
import dev.fluxion.autodiff.CompiledFunction;
import dev.fluxion.autodiff.DualLevel;
import dev.fluxion.diffeq.DenseOutput;
import dev.fluxion.diffeq.OdeAlgorithm;
import dev.fluxion.diffeq.OdeProblem;
import dev.fluxion.diffeq.OdeSolution;
import dev.fluxion.diffeq.ReturnCode;
import dev.fluxion.diffeq.Solve;
import dev.fluxion.diffeq.SolveOptions;
import dev.fluxion.diffeq.SolverStats;
import dev.fluxion.tensor.Lanes;
import dev.fluxion.tensor.Op;
import dev.fluxion.tensor.Shape;
import dev.fluxion.tensor.Tensor;

import java.util.Arrays;

/**
 * A whole solve as one op on the caller's graph, inputs (u0, p), output the saved series
 * [nt, ...u.shape]: its forward is a plain solve, its VJP the chosen method's backward pass
 * (an adjoint solve, or Jᵀ·cotangent from forward lanes), its JVP a forward-lane solve. One
 * instance per application holds what its forward kept (the residuals).
 *
 * <p>When the inputs carry further levels (a derivative of a derivative), the rules fall back to
 * differentiating the solver's own ops, which is always correct.
 */
final class SolveOp extends Op {
    private final OdeProblem prob;
    private final OdeAlgorithm alg;
    private final SolveOptions o;
    private final SensitivityAlgorithm sense;
    private final double t0, t1;
    private final CompiledFunction cf;

    // what the forward pass kept
    private double[] ts = new double[0];
    private double[][] ys = new double[0][];
    private double[] u0 = new double[0];
    private ReturnCode retcode = ReturnCode.SUCCESS;
    private SolverStats stats;
    private DenseOutput<?> dense;
    private double[][] jacobian;      // ForwardDuals: [lanes][nt·n], lanes = n + np
    private Shape outShape;

    SolveOp(OdeProblem prob, OdeAlgorithm alg, SolveOptions o, SensitivityAlgorithm sense, double t0, double t1, CompiledFunction cf) {
        this.prob = prob;
        this.alg = alg;
        this.o = o;
        this.sense = sense;
        this.t0 = t0;
        this.t1 = t1;
        this.cf = cf;
    }

    @Override public String name() { return "solve[" + alg.name() + ", " + sense.name() + "]"; }

    double[] times() { return ts.clone(); }

    ReturnCode retcode() { return retcode; }

    SolverStats stats() { return stats; }

    DenseOutput<?> denseOutput() { return dense; }

    /** Doubles this op keeps for its backward pass (the measure of an adjoint's memory). */
    @Override public long residualSize() {
        long r = u0.length + (long) ys.length * (ys.length == 0 ? 0 : ys[0].length);
        if (jacobian != null) r += (long) jacobian.length * jacobian[0].length;
        if (dense != null) {
            for (var s : dense.steps()) r += (long) (s.stages.length + 2) * u0.length;
        }
        return r;
    }

    // ------------------------------------------------------------------ forward

    @Override public Tensor forward(Tensor[] in) {
        Tensor u0t = in[0], p = in[1];
        Shape us = u0t.shape();
        u0 = u0t.unsafeData().clone();
        if (sense instanceof ForwardDuals || sense instanceof ForwardSensitivity) {
            forwardLanes(u0t, p, sense instanceof ForwardSensitivity);
        } else {
            boolean keepDense = sense instanceof QuadratureAdjoint
                    || sense instanceof InterpolatingAdjoint ia && !ia.checkpointing();
            OdeSolution sol = Solve.integrate(prob, u0t, p, t0, t1, alg, keepDense ? o.dense(true) : o.dense(false));
            ts = sol.t();
            ys = new double[ts.length][];
            for (int i = 0; i < ts.length; i++) ys[i] = sol.u(i).unsafeData().clone();
            retcode = sol.retcode();
            stats = sol.stats();
            dense = keepDense ? sol.denseOutput() : null;
        }
        outShape = us.prepend(ts.length);
        double[] flat = new double[ts.length * us.size()];
        for (int i = 0; i < ts.length; i++) System.arraycopy(ys[i], 0, flat, i * us.size(), us.size());
        return Tensor.unsafeWrap(outShape, flat);
    }

    /** Forward lanes seeded with the identity over (u0, p), chunked: the saved series and its Jacobian. */
    private void forwardLanes(Tensor u0t, Tensor p, boolean errorOnAll) {
        int n = u0t.size(), np = p.size(), total = n + np;
        int chunk = sense instanceof ForwardDuals fd && fd.chunk() > 0 ? fd.chunk() : Math.min(Math.max(total, 1), 64);
        jacobian = new double[total][];
        for (int start = 0; start < total || start == 0; start += chunk) {
            int k = Math.max(1, Math.min(chunk, total - start));
            double[] seedU = new double[k * n];
            double[] seedP = np == 0 ? null : new double[k * np];
            for (int l = 0; l < k && start + l < total; l++) {
                int j = start + l;
                if (j < n) seedU[l * n + j] = 1.0;
                else seedP[l * np + (j - n)] = 1.0;
            }
            DualSolve.Result r = DualSolve.run(prob.f(), cf, alg, o, t0, t1, u0t.unsafeData(), p, u0t.shape(), k, seedU, seedP, errorOnAll);
            if (start == 0) {
                ts = r.ts();
                ys = r.y();
                retcode = r.retcode();
                stats = r.stats();
            } else if (r.retcode() != ReturnCode.SUCCESS) {
                retcode = r.retcode();
            }
            for (int l = 0; l < k && start + l < total; l++) {
                double[] col = new double[ts.length * n];
                for (int i = 0; i < ts.length && i < r.lanes()[l].length; i++) System.arraycopy(r.lanes()[l][i], 0, col, i * n, n);
                jacobian[start + l] = col;
            }
            if (total == 0) break;
        }
    }

    // ------------------------------------------------------------------ reverse

    @Override public Tensor[] vjp(Tensor[] in, Tensor out, Tensor ct, boolean[] needs) {
        if (!in[0].isPrimal() || !in[1].isPrimal() || !ct.isPrimal()) {
            return AD.vjps(xs -> solveOps(xs[0], xs[1]), ct, in);
        }
        Shape us = in[0].shape();
        int n = us.size(), np = in[1].size(), nt = ts.length;
        double[] c = ct.unsafeData();
        if (retcode != ReturnCode.SUCCESS) return nanGradients(in);
        double[] gu, gp;
        if (jacobian != null) {
            gu = new double[n];
            gp = new double[np];
            for (int j = 0; j < n + np; j++) {
                double[] col = jacobian[j];
                double acc = 0.0;
                for (int q = 0; q < col.length; q++) acc += col[q] * c[q];
                if (j < n) gu[j] = acc;
                else gp[j - n] = acc;
            }
        } else {
            double[][] rows = new double[nt][];
            for (int i = 0; i < nt; i++) rows[i] = Arrays.copyOfRange(c, i * n, (i + 1) * n);
            Adjoint adj = new Adjoint(prob, cf, alg, o, in[1], us);
            double[][] g;
            if (sense instanceof BacksolveAdjoint bs) {
                g = adj.backsolve(ts, ys, rows, t0, bs.checkpointing(), null);
            } else if (sense instanceof QuadratureAdjoint qa) {
                g = adj.quadrature(ts, rows, t0, dense, qa.abstol(), qa.reltol());
            } else {
                g = adj.interpolating(ts, ys, rows, t0, u0, dense);
            }
            gu = g[0];
            gp = g[1];
        }
        return new Tensor[] {needs[0] ? Tensor.unsafeWrap(us, gu) : null, needs[1] ? Tensor.unsafeWrap(in[1].shape(), gp) : null};
    }

    private static Tensor[] nanGradients(Tensor[] in) {
        return new Tensor[] {Tensor.full(Double.NaN, in[0].shape()), Tensor.full(Double.NaN, in[1].shape())};
    }

    /** The solve through the solver's own ops, for higher-order use. */
    private Tensor solveOps(Tensor u0t, Tensor p) {
        return Solve.integrate(prob, u0t, p, t0, t1, alg, o).u();
    }

    // ------------------------------------------------------------------ forward mode

    @Override public Tensor jvp(Tensor[] in, Tensor out, Tensor[] t) {
        int k = Lanes.count(t);
        if (k == 0) return null;
        Shape us = in[0].shape();
        if (!in[0].isPrimal() || !in[1].isPrimal() || (t[0] != null && !t[0].isPrimal()) || (t[1] != null && !t[1].isPrimal())) {
            DualLevel level = new DualLevel(k);
            try {
                Tensor ud = t[0] == null ? in[0] : level.dual(in[0], t[0]);
                Tensor pd = t[1] == null ? in[1] : level.dual(in[1], t[1]);
                return level.tangentOf(solveOps(ud, pd));
            } finally {
                level.close();
            }
        }
        int n = us.size();
        double[] seedU = t[0] == null ? new double[k * n] : t[0].unsafeData();
        double[] seedP = t[1] == null || in[1].size() == 0 ? null : t[1].unsafeData();
        DualSolve.Result r = DualSolve.run(prob.f(), cf, alg, o, t0, t1, in[0].unsafeData(), in[1], us, k, seedU, seedP,
                sense instanceof ForwardSensitivity);
        int nt = out.dim(0);
        double[] flat = new double[k * nt * n];
        for (int l = 0; l < k; l++) {
            for (int i = 0; i < nt; i++) {
                if (i < r.lanes()[l].length) System.arraycopy(r.lanes()[l][i], 0, flat, (l * nt + i) * n, n);
                else Arrays.fill(flat, (l * nt + i) * n, (l * nt + i + 1) * n, Double.NaN);
            }
        }
        return Tensor.unsafeWrap(out.shape().prepend(k), flat);
    }
}
