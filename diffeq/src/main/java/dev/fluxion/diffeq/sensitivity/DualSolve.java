package dev.fluxion.diffeq.sensitivity;

import dev.fluxion.autodiff.DualLevel;
import dev.fluxion.diffeq.ErrorNorm;
import dev.fluxion.diffeq.FlatStateOps;
import dev.fluxion.diffeq.OdeSolution;
import dev.fluxion.diffeq.ReturnCode;
import dev.fluxion.diffeq.SolveOptions;
import dev.fluxion.diffeq.SolveSpec;
import dev.fluxion.diffeq.SolverStats;
import dev.fluxion.tensor.Shape;
import dev.fluxion.tensor.Tensor;

/**
 * A solve carrying K forward-mode lanes in one flat state [u, U] (dual numbers in
 * struct-of-arrays layout): every stage sum is linear, so the lanes follow the same Runge–Kutta
 * formulas, and the result is the exact derivative of the discrete solve. Step control reads the
 * primal part only (ForwardDuals), so the steps are those of the plain solve, or the whole state
 * (ForwardSensitivity: the forward sensitivity equations with error control on S).
 */
final class DualSolve {
    private DualSolve() {}

    /**
     * Saved times, primal states [nt][n] and lanes [K][nt·n] (lane l's saved states one after
     * another: a column of the series' Jacobian as it is), with the solve's outcome.
     */
    record Result(double[] ts, double[][] y, double[][] lanes, ReturnCode retcode, SolverStats stats) {}

    /** The solve of spec (primal u0 and p) with K lanes seeded by u0Lanes [K·n] and pLanes [K·np] (or null). */
    static Result run(SolveSpec spec, int k, double[] u0Lanes, double[] pLanes, boolean errorOnAll) {
        if (needsTensorPlan(spec)) return runOnTensors(spec, k, u0Lanes, pLanes);
        Tensor u0t = spec.u0(), p = spec.p();
        Shape uShape = u0t.shape();
        int n = uShape.size();
        JvpEvaluator rhs = new JvpEvaluator(spec.term()::evaluate, spec.compiled(), p, uShape, k, pLanes);
        int total = n * (1 + k);
        // JvpEvaluator reads x only while it runs (the program's arguments, or copies for the tensor fallback)
        FlatStateOps ops = FlatStateOps.readingInputsOnlyWhileRunning(rhs, Shape.of(total), errorOnAll ? total : n);
        double[] x0 = new double[total];
        System.arraycopy(u0t.unsafeData(), 0, x0, 0, n);
        System.arraycopy(u0Lanes, 0, x0, n, k * n);
        ErrorNorm norm = norm(spec.options(), n, total, errorOnAll);
        OdeSolution sol = spec.run(spec.alg().stepper(ops), x0, ops.eval(x0, spec.t0()), norm);
        double[] ts = sol.t();
        int nt = ts.length;
        double[][] y = new double[nt][];
        double[][] lanes = new double[k][nt * n];
        // element loops, not arraycopy: n is often 2 or 3, where a copy call per saved state and
        // lane (7 per point for LV's 6 lanes) cost more than the values it moves
        java.util.List<dev.fluxion.tensor.Tensor> states = sol.states();
        for (int i = 0; i < nt; i++) {
            double[] x = states.get(i).unsafeData();
            y[i] = java.util.Arrays.copyOf(x, n);
            for (int l = 0; l < k; l++) {
                double[] lane = lanes[l];
                for (int m = 0, src = n + l * n, dst = i * n; m < n; m++) lane[dst + m] = x[src + m];
            }
        }
        return new Result(ts, y, lanes, sol.retcode(), sol.stats());
    }

    /**
     * Whether the lanes must ride on dual tensors through the tensor plan rather than the flat lane
     * plan: a method that needs Jacobians (Rosenbrock) or a mass matrix (the flat lane plan has no
     * Jacobian program for its augmented state), or callbacks (they see states of the problem's
     * shape, and an event's time carries its derivatives into the state: events.EventLocator).
     */
    static boolean needsTensorPlan(SolveSpec spec) {
        return spec.alg().implicit() || spec.term().mass() != null || spec.options().callbacks().length > 0;
    }

    /**
     * The lanes on dual tensors through the tensor plan (through J, the LU factorisation and every
     * stage solve; through event location). Steps are steered by the primal values only, so the
     * result is the exact derivative of the plain solve's discrete steps (ForwardSensitivity's error
     * control on the lanes does not apply on this path).
     */
    private static Result runOnTensors(SolveSpec spec, int k, double[] u0Lanes, double[] pLanes) {
        Tensor u0 = spec.u0(), p = spec.p();
        int n = u0.size();
        DualLevel level = new DualLevel(k);
        try {
            Tensor u0d = level.dual(u0, Tensor.of(u0.shape().prepend(k), u0Lanes));
            Tensor pd = pLanes == null ? p : level.dual(p, Tensor.of(p.shape().prepend(k), pLanes));
            OdeSolution sol = spec.withInputs(u0d, pd).integrate();
            double[] ts = sol.t();
            int nt = ts.length;
            double[][] y = new double[nt][];
            double[][] lanes = new double[k][nt * n];
            for (int i = 0; i < nt; i++) {
                Tensor ui = sol.states().get(i);
                y[i] = level.primalOf(ui).toDoubleArray();
                double[] tan = level.tangentOf(ui).toDoubleArray();   // [k, ...shape]
                for (int l = 0; l < k; l++) System.arraycopy(tan, l * n, lanes[l], i * n, n);
            }
            return new Result(ts, y, lanes, sol.retcode(), sol.stats());
        } finally {
            level.close();
        }
    }

    /**
     * The saved series and its Jacobian with respect to (u0, p): lanes seeded with the identity,
     * chunk of them per pass (all inputs in one pass up to 64 when chunk is 0).
     */
    static Pass jacobian(SolveSpec spec, int chunk, boolean errorOnAll) {
        int n = spec.u0().size(), np = spec.p().size(), total = n + np;
        int width = chunk > 0 ? chunk : Math.min(Math.max(total, 1), 64);
        double[][] jacobian = new double[total][];   // [input][nt·n]
        Result first = null;
        ReturnCode rc = ReturnCode.SUCCESS;
        for (int start = 0; start < total || start == 0; start += width) {
            int k = Math.max(1, Math.min(width, total - start));
            double[] seedU = new double[k * n];
            double[] seedP = np == 0 ? null : new double[k * np];
            for (int l = 0; l < k && start + l < total; l++) {
                int j = start + l;
                if (j < n) seedU[l * n + j] = 1.0;
                else seedP[l * np + (j - n)] = 1.0;
            }
            Result r = run(spec, k, seedU, seedP, errorOnAll);
            if (first == null) {
                first = r;
                rc = r.retcode();
            } else if (!r.retcode().successful()) {
                rc = r.retcode();
            }
            int nt = first.ts().length;
            for (int l = 0; l < k && start + l < total; l++) {
                double[] lane = r.lanes()[l];
                // a lane is the column as it is when this pass saved as many states as the first
                // (a chunk whose solve failed early saved fewer: the rest of its column stays 0)
                jacobian[start + l] = lane.length == nt * n ? lane : java.util.Arrays.copyOf(lane, nt * n);
            }
            if (total == 0) break;
        }
        return new JacobianPass(first, rc, jacobian, n, np);
    }

    /** Jᵀ·cotangent from the Jacobian the forward pass kept. */
    private static final class JacobianPass extends Pass {
        private final double[][] jacobian;
        private final int n, np;

        JacobianPass(Result r, ReturnCode rc, double[][] jacobian, int n, int np) {
            super(r.ts(), r.y(), rc, r.stats());
            this.jacobian = jacobian;
            this.n = n;
            this.np = np;
        }

        @Override long extraResidualSize() { return jacobian.length == 0 ? 0 : (long) jacobian.length * jacobian[0].length; }

        @Override double[][] vjp(double[][] rows) {
            double[] gu = new double[n], gp = new double[np];
            for (int j = 0; j < n + np; j++) {
                double[] col = jacobian[j];
                double acc = 0.0;
                for (int i = 0, q = 0; i < rows.length; i++) {
                    double[] c = rows[i];
                    for (int m = 0; m < n; m++, q++) acc += col[q] * c[m];
                }
                if (j < n) gu[j] = acc;
                else gp[j - n] = acc;
            }
            return new double[][] {gu, gp};
        }
    }

    /** The solve's tolerances over the augmented state (per-component atol repeated for every lane). */
    static ErrorNorm norm(SolveOptions o, int n, int total, boolean all) {
        if (o.atolVector() == null) return new ErrorNorm(o.rtol(), o.atol(), null);
        double[] a = o.atolVector().toDoubleArray();
        if (a.length == 1) return new ErrorNorm(o.rtol(), a[0], null);
        double[] ext = new double[all ? total : n];
        for (int i = 0; i < ext.length; i++) ext[i] = a[i % n];
        return new ErrorNorm(o.rtol(), o.atol(), ext);
    }
}
