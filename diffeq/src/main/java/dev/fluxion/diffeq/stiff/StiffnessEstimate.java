package dev.fluxion.diffeq.stiff;

/**
 * A stiff stepper's estimate of the largest |λ| of ∂f/∂u near the current solution: ‖J‖∞ of the
 * Jacobian it last took, as OrdinaryDiffEq.jl's stiff methods report {@code eigen_est} (opnorm(J, Inf))
 * to its automatic switching. Read on primal values only.
 */
public interface StiffnessEstimate {
    /** ‖J‖∞ of the last Jacobian taken, or NaN before the first. */
    double eigenEstimate();

    /** ‖J‖∞ of a row-major n × n matrix. */
    static double normInf(double[] j, int n) {
        double m = 0.0;
        for (int i = 0; i < n; i++) {
            double r = 0.0;
            for (int k = 0; k < n; k++) r += Math.abs(j[i * n + k]);
            m = Math.max(m, r);
        }
        return m;
    }
}
