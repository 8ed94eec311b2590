package dev.fluxion.diffeq;

import dev.fluxion.tensor.Tensor;

/**
 * The weighted RMS norm of a local error estimate (Hairer–Nørsett–Wanner I, (4.11)):
 * sqrt(mean_i (err_i / (atol_i + rtol · max(|u_i|, |u_new_i|)))²). Runs on primal values only:
 * step control never sees tangents, so derivatives cannot steer the steps.
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

    /** The scalar absolute tolerance, or NaN when it is per component. */
    public double scalarAtol() { return atolVector == null ? atol : Double.NaN; }

    /** Scale of component i for the states u and unew. */
    public double scale(int i, double u, double unew) {
        double a = atolVector == null ? atol : atolVector[atolVector.length == 1 ? 0 : i];
        return a + rtol * Math.max(Math.abs(u), Math.abs(unew));
    }

    /** The norm of the first n components of err (raw values) scaled by u and unew. NaN if anything is not finite. */
    public double of(double[] err, double[] u, double[] unew, int n) {
        if (n == 0) return 0.0;
        double sum = 0.0;
        for (int i = 0; i < n; i++) {
            double e = err[i] / scale(i, u[i], unew[i]);
            sum += e * e;
        }
        double r = Math.sqrt(sum / n);
        return Double.isFinite(r) ? r : Double.NaN;
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

    static ErrorNorm of(SolveOptions o, Tensor u0) {
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
