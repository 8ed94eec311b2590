package dev.fluxion.diffeq;

/**
 * The PID step-size controller of Söderlind (2003, "Digital filters in adaptive time-stepping")
 * and Söderlind & Wang (2006, "Adaptive time-stepping and computational stability"), in the form
 * of OrdinaryDiffEq.jl's {@code PIDController(beta1, beta2, beta3)}: with the inverse errors
 * ε_n = 1/E_n of the last three steps and k the order of the error estimate,
 * <pre>
 *   factor = limiter(ε_n^(β₁/k) · ε_{n−1}^(β₂/k) · ε_{n−2}^(β₃/k)),   limiter(x) = 1 + atan(x − 1)
 * </pre>
 * A step is accepted when factor ≥ acceptSafety (0.81), so a step whose error is slightly above 1
 * may pass when the history says the steps are smooth; the smooth limiter bounds the factor to
 * about [0.21, 2.57] without the hard clamps of the PI controller. Factors within
 * [qsteadyMin, qsteadyMax] keep the step unchanged. {@code new PIDController(0.7, -0.4, 0)} is a
 * PI controller; Söderlind's H211PI is (1/6, 1/6, 0), H312PID (1/18, 1/9, 1/18).
 */
public final class PIDController implements StepController {
    private final double beta1, beta2, beta3, acceptSafety, qsteadyMin, qsteadyMax;

    /** OrdinaryDiffEq.jl's defaults: accept safety 0.81, no steady band. */
    public PIDController(double beta1, double beta2, double beta3) {
        this(beta1, beta2, beta3, 0.81, 1.0, 1.0);
    }

    public PIDController(double beta1, double beta2, double beta3, double acceptSafety, double qsteadyMin, double qsteadyMax) {
        if (!Double.isFinite(beta1) || !Double.isFinite(beta2) || !Double.isFinite(beta3) || !(beta1 > 0)) {
            throw new IllegalArgumentException("PIDController: beta1 must be positive and beta2, beta3 finite; got beta1="
                    + beta1 + ", beta2=" + beta2 + ", beta3=" + beta3);
        }
        if (!(acceptSafety > 0 && acceptSafety <= 1) || !(qsteadyMin <= 1 && qsteadyMax >= 1)) {
            throw new IllegalArgumentException("PIDController: need 0 < acceptSafety <= 1 and qsteadyMin <= 1 <= qsteadyMax; got acceptSafety="
                    + acceptSafety + ", qsteadyMin=" + qsteadyMin + ", qsteadyMax=" + qsteadyMax);
        }
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.beta3 = beta3;
        this.acceptSafety = acceptSafety;
        this.qsteadyMin = qsteadyMin;
        this.qsteadyMax = qsteadyMax;
    }

    public double beta1() { return beta1; }
    public double beta2() { return beta2; }
    public double beta3() { return beta3; }

    /** The smooth limiter of Söderlind & Wang (2006, §6). */
    static double limiter(double x) { return 1.0 + Math.atan(x - 1.0); }

    @Override public StepController.State start(int order) {
        if (order < 1) throw new IllegalArgumentException("PIDController needs the order of the error estimate, got " + order);
        return new State(order);
    }

    private final class State implements StepController.State {
        private final double k;
        // inverse errors of this step and the two accepted before it (OrdinaryDiffEq.jl starts them at 1)
        private double e1 = 1.0, e2 = 1.0, e3 = 1.0;
        private double factor;

        State(int k) { this.k = k; }

        @Override public boolean judge(double err) {
            if (!(err < Double.POSITIVE_INFINITY)) {   // NaN or infinite: the limiter's floor
                factor = limiter(0.0);
                return false;
            }
            // a zero error would make the power products 0·∞ = NaN: floor it at machine epsilon
            e1 = 1.0 / Math.max(err, Math.ulp(1.0));
            double f = Math.pow(e1, beta1 / k);
            if (beta2 != 0.0) f *= Math.pow(e2, beta2 / k);
            if (beta3 != 0.0) f *= Math.pow(e3, beta3 / k);
            factor = limiter(f);
            if (factor < acceptSafety) return false;
            if (1.0 / factor >= qsteadyMin && 1.0 / factor <= qsteadyMax) factor = 1.0;
            e3 = e2;
            e2 = e1;
            return true;
        }

        @Override public double next(double h) { return h * factor; }
    }

    @Override public String toString() {
        return "PIDController(beta1=" + beta1 + ", beta2=" + beta2 + ", beta3=" + beta3 + ", acceptSafety=" + acceptSafety + ")";
    }
}
