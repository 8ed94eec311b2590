package dev.fluxion.diffeq.composite;

import dev.fluxion.diffeq.AlgorithmSwitch;
import dev.fluxion.diffeq.ErrorNorm;
import dev.fluxion.diffeq.StateOps;
import dev.fluxion.diffeq.Step;
import dev.fluxion.diffeq.StepCache;
import dev.fluxion.diffeq.StepController;
import dev.fluxion.diffeq.Stepper;
import dev.fluxion.diffeq.ode.ExplicitRkStepper;
import dev.fluxion.diffeq.ode.ExplicitRkTableau;
import dev.fluxion.diffeq.ode.RkStages;
import dev.fluxion.diffeq.stiff.StiffnessEstimate;

import java.util.ArrayList;
import java.util.List;

/**
 * The stepper of an {@link AutoSwitch}: holds both methods' steppers over the same plan, takes each
 * step with the current one, and decides at the start of an attempt from a new point (the previous
 * attempt was accepted) whether to switch, from that accepted step's stiffness estimate. Each step
 * keeps the step its algorithm made, so the dense output is each method's own interpolant and is
 * continuous across switches (a switch happens at a step boundary). Its default controller keeps
 * one controller memory per method and asks the one of the method that took the step.
 */
final class AutoSwitchStepper<S> implements Stepper<S, AutoSwitchCache<S>> {
    private final AutoSwitch alg;
    private final StateOps<S> ops;
    private final ExplicitRkStepper<S> nonstiff;
    private final Stepper<S, ?> stiff;
    private final int p, q;
    private final double[] dA;
    private final List<AlgorithmSwitch> switches = new ArrayList<>();
    private boolean stiffMode;
    private int count;
    private double lastT = Double.NaN, lastEigen = Double.NaN;
    private S lastU;

    AutoSwitchStepper(AutoSwitch alg, StateOps<S> ops) {
        this.alg = alg;
        this.ops = ops;
        Stepper<S, ?> ns = alg.nonstiff().stepper(ops);
        if (!(ns instanceof ExplicitRkStepper)) throw new IllegalArgumentException(alg.name() + ": " + alg.nonstiff().name() + " is not an explicit Runge–Kutta stepper");
        @SuppressWarnings("unchecked") ExplicitRkStepper<S> e = (ExplicitRkStepper<S>) ns;
        this.nonstiff = e;
        this.stiff = alg.stiff().stepper(ops);
        ExplicitRkTableau t = nonstiff.tableau();
        this.q = t.stages() - 1;
        this.p = q - 1;
        // U_q − U_p = h Σ_j (a_qj − a_pj) k_j (for an FSAL method a_qj = b_j, U_q = u_new)
        this.dA = new double[t.stages()];
        for (int j = 0; j < q; j++) dA[j] = t.a(q, j) - (j < p ? t.a(p, j) : 0.0);
    }

    @Override public int order() { return nonstiff.order(); }

    @Override public int errorOrder() { return nonstiff.errorOrder(); }

    @Override public boolean adaptive() { return true; }

    @Override public StateOps<S> ops() { return ops; }

    @Override public List<AlgorithmSwitch> switches() { return switches; }

    /** Whether the stiff method takes the next step. */
    boolean stiffMode() { return stiffMode; }

    @Override public StepController defaultController() {
        StepController a = nonstiff.defaultController(), b = stiff.defaultController();
        return order -> new StepController.State() {
            private final StepController.State sa = a.start(nonstiff.errorOrder()), sb = b.start(stiff.errorOrder());

            @Override public boolean judge(double err) { return (stiffMode ? sb : sa).judge(err); }

            @Override public double next(double h) { return (stiffMode ? sb : sa).next(h); }
        };
    }

    @Override public Step<S, AutoSwitchCache<S>> attempt(double t, S u, S fu, double h, ErrorNorm norm) {
        if (switches.isEmpty()) switches.add(new AlgorithmSwitch(t, alg.nonstiff().name()));
        if (!Double.isNaN(lastT) && (t != lastT || u != lastU)) decide(t, h);   // the last attempt was accepted
        Step<S, ?> inner = stiffMode ? stiff.attempt(t, u, fu, h, norm) : nonstiff.attempt(t, u, fu, h, norm);
        lastT = t;
        lastU = u;
        lastEigen = stiffMode ? Double.NaN : nonstiffEigen(inner, h);   // the stiff one is read when the step is accepted
        String name = stiffMode ? alg.stiff().name() : alg.nonstiff().name();
        return new Step<>(t, h, u, fu, inner.unew, inner.fnew, inner.error, new AutoSwitchCache<>(inner, stiffMode, name));
    }

    /**
     * OrdinaryDiffEq.jl's AutoSwitch counters: successive stiff verdicts count up, non-stiff ones
     * down. The verdict weighs the accepted step's |λ| with the step about to be taken (as
     * OrdinaryDiffEq.jl does at the start of perform_step): a controller pushing h past the
     * stability limit counts as stiff.
     */
    private void decide(double t, double h) {
        if (stiffMode) lastEigen = stiffEigen(lastU, lastT);
        if (Double.isNaN(lastEigen)) return;
        double stiffness = Math.abs(lastEigen * h) / alg.stabilitySize();
        boolean isStiff = stiffness > (stiffMode ? alg.stiffTol() : alg.nonStiffTol());
        count = isStiff ? (count < 0 ? 1 : count + 1) : (count > 0 ? -1 : count - 1);
        if (!stiffMode && count > alg.maxStiffSteps()) {
            stiffMode = true;
            switches.add(new AlgorithmSwitch(t, alg.stiff().name()));
        } else if (stiffMode && count < -alg.maxNonStiffSteps()) {
            stiffMode = false;
            switches.add(new AlgorithmSwitch(t, alg.nonstiff().name()));
        }
    }

    /** ‖k_q − k_p‖ / ‖U_q − U_p‖ over the last two stages (both at t + h), on primal values. */
    private double nonstiffEigen(Step<S, ?> step, double h) {
        @SuppressWarnings("unchecked") RkStages<S> k = (RkStages<S>) step.cache;
        int n = ops.normLength();
        double[] kq = ops.values(k.stage(q)), kp = ops.values(k.stage(p));
        double num = 0.0, den = 0.0;
        double[][] ks = new double[q][];
        for (int j = 0; j < q; j++) if (dA[j] != 0.0) ks[j] = ops.values(k.stage(j));
        for (int i = 0; i < n; i++) {
            double dk = kq[i] - kp[i];
            double du = 0.0;
            for (int j = 0; j < q; j++) if (dA[j] != 0.0) du += dA[j] * ks[j][i];
            du *= h;
            num += dk * dk;
            den += du * du;
        }
        if (!(den > 0) || !Double.isFinite(num)) return den == 0.0 && num == 0.0 ? 0.0 : Double.NaN;
        return Math.sqrt(num / den);
    }

    /** ‖J‖∞ from the stiff stepper when it reports it, else from a Jacobian taken here. */
    private double stiffEigen(S u, double t) {
        if (stiff instanceof StiffnessEstimate e) return e.eigenEstimate();
        double[] j = ops.jacobian(u, t).values();
        return StiffnessEstimate.normInf(j, (int) Math.round(Math.sqrt(j.length)));
    }

    @Override public boolean interpolationNeedsFnew() {
        return nonstiff.interpolationNeedsFnew() || stiff.interpolationNeedsFnew();
    }

    @Override public S interpolate(Step<S, AutoSwitchCache<S>> step, double theta) {
        Step<S, ?> inner = step.cache.inner;
        if (inner.fnew == null) inner.fnew = step.fnew;
        return step.cache.stiff ? interpolateWith(stiff, inner, theta) : interpolateWith(nonstiff, inner, theta);
    }

    @SuppressWarnings("unchecked")
    private static <S, C extends StepCache> S interpolateWith(Stepper<S, C> stepper, Step<S, ?> step, double theta) {
        return stepper.interpolate((Step<S, C>) step, theta);
    }
}
