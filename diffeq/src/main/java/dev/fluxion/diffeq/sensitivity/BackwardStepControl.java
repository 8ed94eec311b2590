package dev.fluxion.diffeq.sensitivity;

import dev.fluxion.diffeq.OdeSolution;
import dev.fluxion.diffeq.SolveOptions;

/**
 * Step control of an adjoint sweep's many short solves (one per interval between saved times, where
 * the cotangent jumps): which components the error norm reads ({@link AdjointNorm}), and the step
 * each solve starts with. A solve starts with the step its predecessor's controller proposed for
 * continuing ({@link OdeSolution#nextStep}), not with the step that was shortened to land on the
 * saved time, nor with a fresh initial-step probe: with 20 saved points and steps longer than the
 * intervals, that is one step per interval (the floor the jumps force) instead of two. Backward
 * adjoint solves and forward re-solves of checkpoint intervals carry their steps separately.
 */
final class BackwardStepControl {
    private final AdjointNorm norm;
    private double backwardDt = Double.NaN, resolveDt = Double.NaN;

    BackwardStepControl(AdjointNorm norm) { this.norm = norm; }

    /** How many leading components of a backward state of this length, active ones first, the error norm reads. */
    int normLength(int length, int active) { return norm == AdjointNorm.FULL ? length : active; }

    /** opts for a backward solve from tCur to tPrev, starting with the carried step when there is one. */
    SolveOptions backward(SolveOptions opts, double tCur, double tPrev) { return start(opts, backwardDt, tCur, tPrev); }

    /** opts for a forward re-solve of [a, b], starting with the carried step when there is one. */
    SolveOptions resolve(SolveOptions opts, double a, double b) { return start(opts, resolveDt, a, b); }

    /**
     * Seeds both carried steps with the forward solve's proposal for continuing past its end, so the
     * first backward segment does not probe for an initial step either: the adjoint's Jacobian is
     * the forward's (transposed), so its stable and accurate steps are of the same size.
     */
    void seed(double forwardNextStep) {
        if (!Double.isFinite(forwardNextStep)) return;
        if (Double.isNaN(backwardDt)) backwardDt = forwardNextStep;
        if (Double.isNaN(resolveDt)) resolveDt = forwardNextStep;
    }

    /** How far one forward re-solve step is expected to reach (the carried step's length; 0 when none is known). */
    double resolveReach() { return Double.isFinite(resolveDt) ? Math.abs(resolveDt) : 0.0; }

    void backwardDone(OdeSolution sol) {
        if (Double.isFinite(sol.nextStep())) backwardDt = sol.nextStep();
    }

    void resolveDone(OdeSolution sol) {
        if (Double.isFinite(sol.nextStep())) resolveDt = sol.nextStep();
    }

    private static SolveOptions start(SolveOptions opts, double dt, double from, double to) {
        return Double.isFinite(dt) ? opts.dt(Math.min(Math.abs(dt), Math.abs(to - from))) : opts;
    }
}
