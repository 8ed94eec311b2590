package dev.fluxion.diffeq;

/**
 * The proportional-integral step-size controller of Gustafsson (1991), in the form of
 * Hairer–Wanner II §IV.2 and OrdinaryDiffEq.jl: after a step with weighted error estimate E (the
 * RMS norm of err / (atol + rtol·max(|u|, |u_new|))), the next step is h / q with
 * q = clamp(E^β₁ / E_old^β₂ / γ, 1/qmax, 1/qmin). A rejected step shrinks by min(1/qmin, E^β₁/γ).
 * Immutable; the integrator keeps E_old.
 */
public final class PIController {
    private final double beta1, beta2, gamma, qmin, qmax;

    /**
     * @param beta1 exponent of the current error (the "I" part)
     * @param beta2 exponent of the previous error (the "P" part; 0 gives the classic I controller)
     * @param gamma safety factor
     * @param qmin  smallest step ratio h_new / h
     * @param qmax  largest step ratio h_new / h
     */
    public PIController(double beta1, double beta2, double gamma, double qmin, double qmax) {
        if (!(beta1 >= 0 && beta2 >= 0 && gamma > 0 && gamma <= 1 && qmin > 0 && qmin < 1 && qmax > 1)) {
            throw new IllegalArgumentException("PIController: need beta1, beta2 >= 0, 0 < gamma <= 1, 0 < qmin < 1 < qmax; got beta1="
                    + beta1 + ", beta2=" + beta2 + ", gamma=" + gamma + ", qmin=" + qmin + ", qmax=" + qmax);
        }
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.gamma = gamma;
        this.qmin = qmin;
        this.qmax = qmax;
    }

    /** OrdinaryDiffEq.jl's defaults for a method of the given order: β₁ = 7/(10p), β₂ = 2/(5p), γ = 0.9, qmin = 1/5, qmax = 10. */
    public static PIController forOrder(int order) {
        return new PIController(7.0 / (10 * order), 2.0 / (5 * order), 0.9, 0.2, 10.0);
    }

    /** Hairer's DOPRI5 choice (β₂ = 0.04, β₁ = 1/5 − 0.75 β₂), which OrdinaryDiffEq.jl keeps for DP5. */
    public static PIController dopri5() {
        return new PIController(0.2 - 0.75 * 0.04, 0.04, 0.9, 0.2, 10.0);
    }

    public double beta1() { return beta1; }
    public double beta2() { return beta2; }
    public double gamma() { return gamma; }
    public double qmin() { return qmin; }
    public double qmax() { return qmax; }

    /** Step ratio divisor q for an accepted step (h_new = h / q), given errOld^β₂ (see {@link #oldTerm}). */
    double acceptQ(double err, double errOldPow) {
        if (err == 0.0) return 1.0 / qmax;
        double q = Math.pow(err, beta1) / errOldPow / gamma;
        return Math.max(1.0 / qmax, Math.min(1.0 / qmin, q));
    }

    /** errOld^β₂, computed once per accepted step for the next one. */
    double oldTerm(double errOld) {
        return beta2 == 0.0 ? 1.0 : Math.pow(errOld, beta2);
    }

    /** Step ratio divisor for a rejected step. */
    double rejectQ(double err) {
        if (!(err < Double.POSITIVE_INFINITY)) return 1.0 / qmin;   // NaN or infinite error: shrink hard
        return Math.min(1.0 / qmin, Math.pow(err, beta1) / gamma);
    }

    @Override public String toString() {
        return "PIController(beta1=" + beta1 + ", beta2=" + beta2 + ", gamma=" + gamma + ", qmin=" + qmin + ", qmax=" + qmax + ")";
    }
}
