package dev.fluxion.diffeq.sensitivity;

import dev.fluxion.autodiff.CompiledFunction;
import dev.fluxion.diffeq.ErrorNorm;
import dev.fluxion.diffeq.FlatStateOps;
import dev.fluxion.diffeq.OdeAlgorithm;
import dev.fluxion.diffeq.OdeFunction;
import dev.fluxion.diffeq.OdeSolution;
import dev.fluxion.diffeq.ReturnCode;
import dev.fluxion.diffeq.Solve;
import dev.fluxion.diffeq.SolveOptions;
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

    /** Saved times, primal states [nt][n] and lanes [K][nt][n], with the solve's outcome. */
    record Result(double[] ts, double[][] y, double[][][] lanes, ReturnCode retcode, SolverStats stats) {}

    static Result run(OdeFunction f, CompiledFunction cf, OdeAlgorithm alg, SolveOptions o, double t0, double t1,
                      double[] u0, Tensor p, Shape uShape, int k, double[] u0Lanes, double[] pLanes, boolean errorOnAll) {
        int n = uShape.size();
        JvpEvaluator rhs = new JvpEvaluator(f, cf, p, uShape, k, pLanes);
        int total = n * (1 + k);
        FlatStateOps ops = new FlatStateOps(rhs, Shape.of(total), errorOnAll ? total : n);
        double[] x0 = new double[total];
        System.arraycopy(u0, 0, x0, 0, n);
        System.arraycopy(u0Lanes, 0, x0, n, k * n);
        ErrorNorm norm = norm(o, n, total, errorOnAll);
        OdeSolution sol = Solve.run(alg.stepper(ops), x0, ops.eval(x0, t0), alg, t0, t1, o, norm);
        double[] ts = sol.t();
        int nt = ts.length;
        double[][] y = new double[nt][n];
        double[][][] lanes = new double[k][nt][n];
        for (int i = 0; i < nt; i++) {
            double[] x = sol.u(i).unsafeData();
            System.arraycopy(x, 0, y[i], 0, n);
            for (int l = 0; l < k; l++) System.arraycopy(x, n + l * n, lanes[l][i], 0, n);
        }
        return new Result(ts, y, lanes, sol.retcode(), sol.stats());
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
