package dev.fluxion.diffeq;

import dev.fluxion.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The integration loop shared by every stepper: step-size control, landing on tstops and the end
 * of the span, saving (every step, or at saveat times by interpolation), dense output, and return
 * codes. Every branch reads primal values only.
 *
 * <p>Failure is a return code, never an exception from inside: a right-hand side that is NaN at
 * an accepted state ends with UNSTABLE; steps that keep failing end with DT_LESS_THAN_MIN; too
 * many steps end with MAX_ITERS. The solution holds everything saved up to that point.
 */
public final class Integrator {
    private Integrator() {}

    /** Safety floor of |h| relative to |t|: below it t + h == t in float64. */
    private static final double ULP_FACTOR = 10.0;
    /** OrdinaryDiffEq.jl's qoldinit: the previous error assumed before the first step. */
    private static final double ERR_OLD_INIT = 1e-4;

    /** Runs a solve. u0 and fu0 = f(u0, t0) are given (the caller has checked fu0's shape). */
    public static <S> OdeSolution run(Stepper<S> stepper, S u0, S fu0, double t0, double t1,
                                      SolveOptions o, ErrorNorm norm, boolean adaptive, PIController ctl) {
        StateOps<S> ops = stepper.ops();
        double dir = Math.signum(t1 - t0);
        SaveSchedule save = SaveSchedule.of(o, t0, t1);
        boolean dense = o.dense() != null ? o.dense() : save.everyStep && !o.hasSaveat();
        List<Step<S>> denseSteps = dense ? new ArrayList<>() : null;
        double[] stops = stops(o.tstops(), t0, t1, dir);

        List<Double> ts = new ArrayList<>();
        List<Tensor> us = new ArrayList<>();
        if (save.start) {
            ts.add(t0);
            us.add(ops.tensor(u0));
        }
        int accepted = 0, rejected = 0;
        double t = t0;
        S u = u0;
        S fu = fu0;
        if (!allFinite(ops.values(fu))) {
            return finish(ReturnCode.UNSTABLE, ts, us, stepper, denseSteps, accepted, rejected);
        }
        double h;
        if (!Double.isNaN(o.dt())) {
            h = dir * Math.abs(o.dt());
        } else if (adaptive) {
            h = InitialStep.hairer(ops, ops.values(u), ops.values(fu), t0, t1, stepper.order(), norm, o.dtmax());
        } else {
            throw new IllegalArgumentException("a fixed-step solve needs a step: set SolveOptions.dt(...)");
        }
        double errOldPow = ctl.oldTerm(ERR_OLD_INIT);
        double lastAccepted = Double.NaN;
        int si = 0;          // next stop
        int attempts = 0;
        ReturnCode rc = ReturnCode.SUCCESS;

        while (si < stops.length) {
            if (attempts++ >= o.maxiters()) {
                rc = ReturnCode.MAX_ITERS;
                break;
            }
            double target = stops[si];
            boolean landing = false;
            if (dir * (t + h - target) >= 0 || Math.abs(target - (t + h)) <= 100 * Math.ulp(target)) {
                h = target - t;
                landing = true;
            }
            Step<S> step = stepper.attempt(t, u, fu, h, norm);
            double err = adaptive ? step.error : (allFinite(ops.values(step.unew)) ? 0.0 : Double.NaN);
            if (!adaptive && Double.isNaN(err)) {
                rc = ReturnCode.UNSTABLE;
                break;
            }
            if (!(err <= 1.0)) {
                rejected++;
                h = h / ctl.rejectQ(err);
                if (tooSmall(h, t, o.dtmin())) {
                    rc = ReturnCode.DT_LESS_THAN_MIN;
                    break;
                }
                continue;
            }
            // accepted
            accepted++;
            lastAccepted = h;
            double tnew = landing ? target : t + h;
            if (landing) si++;
            S unew = step.unew;
            if (!allFinite(ops.values(unew))) {
                rc = ReturnCode.UNSTABLE;
                break;
            }
            boolean finished = si >= stops.length;
            if (step.fnew == null && (!finished || stepper.interpolationNeedsFnew() && (dense || save.hasPointsIn(t, tnew, dir)))) {
                step.fnew = ops.eval(unew, tnew);
            }
            save.saveWithin(step, t, tnew, dir, stepper, ts, us);
            if (denseSteps != null) denseSteps.add(step);
            if (step.fnew != null && !allFinite(ops.values(step.fnew)) && !finished) {
                rc = ReturnCode.UNSTABLE;
                t = tnew;
                u = unew;
                break;
            }
            if (adaptive) {
                double q = ctl.acceptQ(err, errOldPow);
                errOldPow = ctl.oldTerm(Math.max(err, ERR_OLD_INIT));
                double hNew = h / q;
                if (Math.abs(hNew) > o.dtmax()) hNew = dir * o.dtmax();
                if (tooSmall(hNew, tnew, o.dtmin()) && !finished) {
                    t = tnew;
                    u = unew;
                    rc = ReturnCode.DT_LESS_THAN_MIN;
                    break;
                }
                h = hNew;
            } else if (landing && !finished) {
                h = dir * Math.abs(o.dt());
            }
            t = tnew;
            u = unew;
            fu = step.fnew;
        }
        if (rc == ReturnCode.SUCCESS && save.end && (ts.isEmpty() || ts.get(ts.size() - 1) != t1)) {
            ts.add(t1);
            us.add(ops.tensor(u));
        }
        if (rc != ReturnCode.SUCCESS && o.hasSaveat()) {
            // A failed solve keeps the requested grid: the unreached times hold NaN states, so a
            // loss over the series is NaN (a clear signal) instead of a shape error in user code.
            Tensor nan = Tensor.full(Double.NaN, ops.tensor(u0).shape());
            for (double tau : save.remaining()) {
                ts.add(tau);
                us.add(nan);
            }
            if (save.end && ts.get(ts.size() - 1) != t1) {
                ts.add(t1);
                us.add(nan);
            }
        }
        return finish(rc, ts, us, stepper, denseSteps, accepted, rejected).withLastStep(lastAccepted);
    }

    private static <S> OdeSolution finish(ReturnCode rc, List<Double> ts, List<Tensor> us, Stepper<S> stepper,
                                          List<Step<S>> denseSteps, int accepted, int rejected) {
        double[] t = new double[ts.size()];
        for (int i = 0; i < t.length; i++) t[i] = ts.get(i);
        SolverStats stats = new SolverStats(accepted, rejected, stepper.ops().evaluations(), 0, 0);
        DenseOutput<S> d = denseSteps == null ? null : new DenseOutput<>(denseSteps, stepper);
        return new OdeSolution(t, us, rc, stats, d);
    }

    private static boolean tooSmall(double h, double t, double dtmin) {
        return Math.abs(h) < dtmin || Math.abs(h) <= ULP_FACTOR * Math.ulp(t) || h == 0.0;
    }

    /** tstops strictly inside the span, in the direction of integration, then t1. */
    private static double[] stops(double[] tstops, double t0, double t1, double dir) {
        double[] s = Arrays.stream(tstops).filter(x -> dir * (x - t0) > 0 && dir * (t1 - x) > 0).sorted().toArray();
        if (dir < 0) {
            for (int i = 0, j = s.length - 1; i < j; i++, j--) {
                double tmp = s[i];
                s[i] = s[j];
                s[j] = tmp;
            }
        }
        double[] all = Arrays.copyOf(s, s.length + 1);
        all[s.length] = t1;
        return all;
    }

    static boolean allFinite(double[] x) {
        for (double v : x) if (!Double.isFinite(v)) return false;
        return true;
    }
}
