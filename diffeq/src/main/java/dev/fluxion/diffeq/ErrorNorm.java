package dev.fluxion.diffeq;

import dev.fluxion.tensor.LinearCombination;
import dev.fluxion.tensor.Tensor;

/**
 * The weighted RMS norm of a local error estimate (Hairer–Nørsett–Wanner I, (4.11)):
 * sqrt(mean_i (err_i / (atol_i + rtol · max(|u_i|, |u_new_i|)))²). Runs on primal values only:
 * step control never sees tangents, so derivatives cannot steer the steps. This class is the one
 * definition of the norm: every stepper's error estimate goes through it.
 */
public final class ErrorNorm {
    private final double rtol;
    private final double atol;
    private final double[] atolVector;

    public ErrorNorm(double rtol, double atol, double[] atolVector) {
        this.rtol = rtol;
        this.atol = atol;
        this.atolVector = atolVector;
    }

    public double rtol() { return rtol; }

    /** The scalar absolute tolerance (the smallest one when it is per component). */
    public double atol() {
        if (atolVector == null) return atol;
        double m = Double.POSITIVE_INFINITY;
        for (double a : atolVector) m = Math.min(m, a);
        return m;
    }

    /** Scale of component i for the states u and unew. */
    public double scale(int i, double u, double unew) {
        double a = atolVector == null ? atol : atolVector[atolVector.length == 1 ? 0 : i];
        return a + rtol * Math.max(Math.abs(u), Math.abs(unew));
    }

    /**
     * The norm of an embedded error estimate h Σ_m c_m k_m over the first n components, scaled by u
     * and unew; NaN if anything is not finite. A small state sums each component's terms in a
     * register; a large one (an adjoint's λ and μ) sums term by term into scratch (length ≥ n),
     * each a pass the JIT vectorises, then takes the scaled squares in the same order of i.
     */
    public double ofSum(double h, double[] c, double[][] k, int terms, double[] u, double[] unew, int n, double[] scratch) {
        return ofTerms(h, c, null, k, terms, u, unew, n, scratch);
    }

    /**
     * {@link #ofSum} over the stages k[deps[m]] (deps null: k[m]), so a stepper's error estimate
     * reads its stage array as it is, with no array of the terms gathered per step.
     */
    public double ofTerms(double h, double[] c, int[] deps, double[][] k, int terms, double[] u, double[] unew, int n, double[] scratch) {
        if (n == 0) return 0.0;
        double sum = 0.0;
        if (n == 2) {   // the commonest small state (LV, oscillators): both sums in registers, one pass over the terms
            double e0 = 0.0, e1 = 0.0;
            for (int m = 0; m < terms; m++) {
                double cm = c[m];
                double[] x = k[deps == null ? m : deps[m]];
                e0 += cm * x[0];
                e1 += cm * x[1];
            }
            double r0 = h * e0 / scale(0, u[0], unew[0]);
            double r1 = h * e1 / scale(1, u[1], unew[1]);
            sum = r0 * r0;
            sum += r1 * r1;
        } else if (n <= LinearCombination.SMALL) {
            for (int i = 0; i < n; i++) {
                double e = 0.0;
                for (int m = 0; m < terms; m++) e += c[m] * k[deps == null ? m : deps[m]][i];
                double r = h * e / scale(i, u[i], unew[i]);
                sum += r * r;
            }
        } else {
            java.util.Arrays.fill(scratch, 0, n, 0.0);
            for (int m = 0; m < terms; m++) {
                double cm = c[m];
                double[] x = k[deps == null ? m : deps[m]];
                for (int i = 0; i < n; i++) scratch[i] += cm * x[i];
            }
            for (int i = 0; i < n; i++) {
                double r = h * scratch[i] / scale(i, u[i], unew[i]);
                sum += r * r;
            }
        }
        return rms(sum, n);
    }

    /**
     * The error estimate from the sum of n squared scaled errors: their root mean square, NaN when
     * that is not finite (an overflowed or NaN step, which the controller rejects).
     */
    public static double rms(double sumOfSquares, int n) {
        double est = Math.sqrt(sumOfSquares / n);
        return Double.isFinite(est) ? est : Double.NaN;
    }

    /** Norm of the first n components of x scaled by u alone (Hairer's d0, d1 in the initial-step heuristic). */
    public double scaled(double[] x, double[] u, int n) {
        if (n == 0) return 0.0;
        double sum = 0.0;
        for (int i = 0; i < n; i++) {
            double e = x[i] / scale(i, u[i], u[i]);
            sum += e * e;
        }
        return Math.sqrt(sum / n);
    }

    /** The solve's norm: its rtol and its atol, scalar or per component (checked against the state's shape). */
    public static ErrorNorm of(SolveOptions o, Tensor u0) {
        double[] av = null;
        if (o.atolVector() != null) {
            Tensor a = o.atolVector();
            if (a.size() != 1 && !a.shape().equals(u0.shape())) {
                throw new IllegalArgumentException("atol: per-component tolerance has shape " + a.shape()
                        + " but the state has shape " + u0.shape());
            }
            av = a.toDoubleArray();
            for (double v : av) {
                if (!(v > 0) || !Double.isFinite(v)) throw new IllegalArgumentException("atol must be finite and positive, got " + v);
            }
        }
        return new ErrorNorm(o.rtol(), o.atol(), av);
    }
}
