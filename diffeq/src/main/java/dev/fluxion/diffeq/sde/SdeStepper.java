package dev.fluxion.diffeq.sde;

import dev.fluxion.diffeq.ErrorNorm;
import dev.fluxion.diffeq.PIController;
import dev.fluxion.diffeq.StateOps;
import dev.fluxion.diffeq.Step;
import dev.fluxion.diffeq.StepCache;
import dev.fluxion.diffeq.StepController;
import dev.fluxion.diffeq.Stepper;

/**
 * What every SDE stepper shares: the plan, the increments of the Brownian path over the attempted
 * step (read from the tree, so a rejected step's retry sees the bridge of the same path), linear
 * interpolation inside a step (as DifferentialEquations.jl interpolates SDE solutions), the error
 * norm of an embedded estimate, and DifferentialEquations.jl's SDE controller defaults.
 */
abstract class SdeStepper<S> implements Stepper<S, SdeStepper.Linear> {
    /** SDE steps keep nothing for their interpolant but both ends. */
    static final class Linear implements StepCache {
        static final Linear INSTANCE = new Linear();

        @Override public int storedStates() { return 0; }
    }

    final SdeOps<S> so;
    final StateOps<S> ops;
    final SdeAlgorithm alg;
    /** ΔW and the space-time Lévy area H per channel over the attempted step. */
    final double[] dW, levy;

    SdeStepper(SdeOps<S> so, SdeAlgorithm alg) {
        this.so = so;
        this.ops = so.ops();
        this.alg = alg;
        this.dW = new double[so.m];
        this.levy = new double[so.m];
    }

    /** Reads the path's increments over [t, t + h]. */
    final void increment(double t, double h) {
        so.path.increment(t, t + h, dW, levy);
    }

    final Step<S, Linear> step(double t, double h, S u, S fu, S unew, double error) {
        return new Step<>(t, h, u, fu, unew, null, error, Linear.INSTANCE);
    }

    /** x₀ + Σ c_j x_j over the nonzero c_j (one fused combination). */
    final S lin(S x0, double[] c, S[] xs, int count) {
        int live = 1;
        for (int j = 0; j < count; j++) if (c[j] != 0.0) live++;
        double[] cc = new double[live];
        S[] operands = ops.newArray(live);
        cc[0] = 1.0;
        operands[0] = x0;
        for (int j = 0, i = 1; j < count; j++) {
            if (c[j] == 0.0) continue;
            cc[i] = c[j];
            operands[i++] = xs[j];
        }
        return live == 1 ? x0 : ops.combine(cc, operands);
    }

    /** Σ c_j x_j over the nonzero c_j, or null when all are zero. */
    final S sum(double[] c, S[] xs, int count) {
        int live = 0;
        for (int j = 0; j < count; j++) if (c[j] != 0.0) live++;
        if (live == 0) return null;
        double[] cc = new double[live];
        S[] operands = ops.newArray(live);
        for (int j = 0, i = 0; j < count; j++) {
            if (c[j] == 0.0) continue;
            cc[i] = c[j];
            operands[i++] = xs[j];
        }
        return ops.combine(cc, operands);
    }

    /**
     * Rackauckas &amp; Nie (2017)'s error of an SDE step, as StochasticDiffEq.jl's
     * {@code calculate_residuals}: the RMS over components of (δ·E₁ + E₂) / (atol + rtol·max(|u|,
     * |unew|)), E₁ the deterministic and E₂ the stochastic part of the estimate, on primal values.
     */
    final double error(ErrorNorm norm, double delta, double[] e1, double[] e2, S u, S unew) {
        double[] uv = ops.values(u), nv = ops.values(unew);
        int n = ops.normLength();
        double sum = 0.0;
        for (int i = 0; i < n; i++) {
            double e = (e1 == null ? 0.0 : delta * e1[i]) + (e2 == null ? 0.0 : e2[i]);
            double r = e / norm.scale(i, uv[i], nv[i]);
            sum += r * r;
        }
        return ErrorNorm.rms(sum, n);
    }

    @Override public int order() { return Math.max(1, (int) Math.floor(alg.strongOrder())); }

    @Override public int errorOrder() { return order() + 1; }

    @Override public boolean adaptive() { return alg.adaptive(); }

    /**
     * Yes: an SDE solve lands on every saved time and the controller grows a step by at most 9/8,
     * so the step after a landing resumes from the step proposed before it was shortened.
     */
    @Override public boolean resumesStepAfterStop() { return true; }

    /**
     * t + h on the path's dyadic grid, h moved by at most |h|/8: the tree resolves such an end at
     * the depth of the step's scale instead of at its leaves, with the same values (about 4 levels of
     * descent instead of about 12 at the steps of the stochastic Lotka–Volterra solve). The controller's proposal is a
     * safety-scaled guess, and the step's own error still decides its acceptance.
     */
    @Override public double alignStep(double t, double h) { return ALIGN ? so.path.alignedStep(t, h) : h; }

    /** False only in the spec that compares aligned solves with unaligned ones (specs run one at a time). */
    static volatile boolean ALIGN = true;

    /** StochasticDiffEq.jl's defaults: β₁ = 7/(10p), β₂ = 2/(5p), γ = 9/10, qmin = 1/5, qmax = 9/8. */
    @Override public StepController defaultController() {
        double p = alg.controllerOrder();
        return new PIController(7.0 / (10 * p), 2.0 / (5 * p), 0.9, 0.2, 1.125);
    }

    @Override public StateOps<S> ops() { return ops; }

    @Override public S interpolate(Step<S, Linear> step, double theta) {
        if (theta == 0.0) return step.u;
        if (theta == 1.0) return step.unew;
        S[] xs = ops.newArray(2);
        xs[0] = step.u;
        xs[1] = step.unew;
        return ops.combine(new double[] {1 - theta, theta}, xs);
    }

    @Override public boolean interpolationNeedsFnew() { return false; }
}
