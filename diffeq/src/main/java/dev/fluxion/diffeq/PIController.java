package dev.fluxion.diffeq;

/**
 * The proportional-integral step-size controller of Gustafsson (1991), in the form of
 * Hairer–Wanner II §IV.2 and OrdinaryDiffEq.jl: after a step with weighted error estimate E (the
 * RMS norm of err / (atol + rtol·max(|u|, |u_new|))), a step with E ≤ 1 is accepted and the next
 * step is h / q with q = clamp(E^β₁ / E_old^β₂ / γ, 1/qmax, 1/qmin). A rejected step shrinks by
 * min(1/qmin, E^β₁/γ). Immutable; E_old lives in the solve's {@link StepController.State}.
 */
public final class PIController implements StepController {
    /** OrdinaryDiffEq.jl's qoldinit: the previous error assumed before the first step. */
    static final double ERR_OLD_INIT = 1e-4;

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

    @Override public StepController.State start(int order) { return new State(); }

    /** E_old^β₂, computed once per accepted step for the next one. */
    private double oldTerm(double errOld) {
        return beta2 == 0.0 ? 1.0 : Math.pow(errOld, beta2);
    }

    private final class State implements StepController.State {
        private double errOldPow = oldTerm(ERR_OLD_INIT);
        private double q;   // h_new = h / q, as Hairer's codes divide

        @Override public boolean judge(double err) {
            if (err <= 1.0) {
                if (err == 0.0) {
                    q = 1.0 / qmax;
                } else {
                    q = Math.max(1.0 / qmax, Math.min(1.0 / qmin, Math.pow(err, beta1) / errOldPow / gamma));
                }
                errOldPow = oldTerm(Math.max(err, ERR_OLD_INIT));
                return true;
            }
            // NaN or infinite error: shrink hard
            q = !(err < Double.POSITIVE_INFINITY) ? 1.0 / qmin : Math.min(1.0 / qmin, Math.pow(err, beta1) / gamma);
            return false;
        }

        @Override public double next(double h) { return h / q; }
    }

    @Override public String toString() {
        return "PIController(beta1=" + beta1 + ", beta2=" + beta2 + ", gamma=" + gamma + ", qmin=" + qmin + ", qmax=" + qmax + ")";
    }
}
