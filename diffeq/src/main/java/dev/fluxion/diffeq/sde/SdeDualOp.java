package dev.fluxion.diffeq.sde;

import dev.fluxion.autodiff.AD;
import dev.fluxion.autodiff.DualLevel;
import dev.fluxion.diffeq.OdeSolution;
import dev.fluxion.diffeq.ReturnCode;
import dev.fluxion.diffeq.SolverStats;
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
        jacobian = new double[total][];
        // lanes only for the inputs that carry derivatives (a gradient with respect to p alone
        // needs no lanes for u0: 4 lanes instead of 6 for the LV gradient); all when neither does
        boolean laneU = !spec.u0.isPrimal(), laneP = !spec.p.isPrimal();
        if (!laneU && !laneP) laneU = laneP = true;
        int[] cols = columns(laneU ? 0 : n, laneP ? total : n);
        double[] flat = columnsInto(in, cols, true);
        return Tensor.unsafeWrap(us.prepend(ts.length), flat);
    }

    private static int[] columns(int from, int to) {
        int[] c = new int[Math.max(0, to - from)];
        for (int i = 0; i < c.length; i++) c[i] = from + i;
        return c;
    }

    /**
     * Runs the lane solves for the Jacobian columns cols (inputs: u0's components, then p's), in
     * chunks; stores the columns, and with first the saved times, return code, stats and primal
     * series, which it returns (null otherwise).
     */
    private double[] columnsInto(Tensor[] in, int[] cols, boolean first) {
        int np = in[1].size(), total = cols.length;
        int width = chunk > 0 ? chunk : Math.min(Math.max(total, 1), 64);
        double[] flat = null;
        for (int start = 0; start < total || start == 0; start += width) {
            int k = Math.max(1, Math.min(width, total - start));
            double[] seedU = new double[k * n], seedP = new double[k * np];
            boolean anyP = false;
            for (int l = 0; l < k && start + l < total; l++) {
                int j = cols[start + l];
                if (j < n) seedU[l * n + j] = 1.0;
                else {
                    seedP[l * np + (j - n)] = 1.0;
                    anyP = true;
                }
            }
            LanePass r = lanes(in[0], in[1], k, seedU, np == 0 || !anyP ? null : seedP);
            if (first && flat == null) {
                ts = r.ts;
                retcode = r.rc;
                stats = r.stats;
                flat = r.primal;
            }
            for (int l = 0; l < k && start + l < total; l++) jacobian[cols[start + l]] = r.tangents[l];
            if (total == 0) break;
        }
        return flat;
    }

    /** One pass's outcome: saved times, the primal series [nt·n] and K tangent series. */
    private record LanePass(double[] ts, double[] primal, double[][] tangents, ReturnCode rc, SolverStats stats) {}

    /**
     * A solve with K lanes seeded by seedU [K·n] and seedP [K·np] (or null): on the flat lane plan
     * when f and g compile (their JVP programs), else dual tensors through the tensor plan.
     */
    private LanePass lanes(Tensor u0, Tensor p, int k, double[] seedU, double[] seedP) {
        Shape us = u0.shape();
        boolean compile = spec.options.compile() == null || spec.options.compile();
        dev.fluxion.autodiff.CompiledFunction cf = compile ? spec.drift.compiled(u0, p) : null;
        dev.fluxion.autodiff.CompiledFunction cg = compile ? spec.diffusion.compiled(u0, p) : null;
        LaneRunner fl = cf != null && cf.implicitInputsArePlain() ? LaneRunner.of(cf, p, us, k, seedP) : null;
        LaneRunner gl = fl != null && cg != null && cg.implicitInputsArePlain() ? LaneRunner.of(cg, p, us, k, seedP) : null;
        if (gl != null) {
            FlatLaneSdeOps so = new FlatLaneSdeOps(fl, gl, us, k, spec.diffusion.noise(), spec.diffusion.channels(n), spec.path());
            double[] x0 = new double[n * (1 + k)];
            System.arraycopy(u0.unsafeData(), 0, x0, 0, n);
            System.arraycopy(seedU, 0, x0, n, k * n);
            OdeSolution sol = spec.run(spec.alg.stepper(so), so.ops(), x0);
            double[] t = sol.t();
            double[] prim = new double[t.length * n];
            double[][] tan = new double[k][t.length * n];
            for (int i = 0; i < t.length; i++) {
                double[] x = sol.u(i).unsafeData();
                System.arraycopy(x, 0, prim, i * n, n);
                for (int l = 0; l < k; l++) System.arraycopy(x, n + l * n, tan[l], i * n, n);
            }
            return new LanePass(t, prim, tan, sol.retcode(), sol.stats());
        }
        DualLevel level = new DualLevel(k);
        try {
            Tensor ud = level.dual(u0, Tensor.of(us.prepend(k), seedU));
            Tensor pd = seedP == null ? p : level.dual(p, Tensor.of(p.shape().prepend(k), seedP));
            OdeSolution sol = spec.withInputs(ud, pd).integrate();
            Tensor series = sol.u();
            double[] tan = level.tangentOf(series).toDoubleArray();   // [k, nt, ...]
            int len = sol.size() * n;
            double[][] lanes = new double[k][];
            for (int l = 0; l < k; l++) lanes[l] = Arrays.copyOfRange(tan, l * len, (l + 1) * len);
            return new LanePass(sol.t(), level.primalOf(series).toDoubleArray(), lanes, sol.retcode(), sol.stats());
        } finally {
            level.close();
        }
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
        // columns the forward did not lane (an input it saw without derivatives): solve for them now
        if (needs[0] && jacobian[0] == null && n > 0) columnsInto(in, columns(0, n), false);
        if (needs[1] && np > 0 && jacobian[n] == null) columnsInto(in, columns(n, n + np), false);
        double[] gu = new double[n], gp = new double[np];
        for (int j = 0; j < n + np; j++) {
            double[] col = jacobian[j];
            if (col == null) continue;   // an input that needs no gradient
            double acc = 0.0;
            for (int q = 0; q < col.length; q++) acc += col[q] * c[q];
            if (j < n) gu[j] = acc;
            else gp[j - n] = acc;
        }
        return new Tensor[] {needs[0] ? Tensor.unsafeWrap(in[0].shape(), gu) : null, needs[1] ? Tensor.unsafeWrap(in[1].shape(), gp) : null};
    }

    @Override public Tensor jvp(Tensor[] in, Tensor out, Tensor[] t) {
        return spec.laneJvp(in, t);
    }
}
