package dev.fluxion.diffeq;

import dev.fluxion.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The integration loop shared by every stepper, in phases (OrdinaryDiffEq.jl's
 * perform_step / loopfooter split): {@link #attempt} a step, {@link #judge} it with the
 * {@link StepController}, run the {@link Callback}s, {@link #save} it, then {@link #advance}. The
 * sensitivity methods, events, delay histories and noise paths hook in at these phases instead of
 * copying the loop. Every branch reads primal values only.
 *
 * <p>Failure is a return code, never an exception from inside: a right-hand side that is NaN at
 * an accepted state ends with UNSTABLE; steps that keep failing end with DT_LESS_THAN_MIN; too
 * many steps end with MAX_ITERS. The solution holds everything saved up to that point.
 *
 * @param <S> the state type of the execution plan
 * @param <C> the stepper family's cache
 */
public final class Integrator<S, C extends StepCache> implements IntegratorState {
    /** Safety floor of |h| relative to |t|: below it t + h == t in float64. */
    private static final double ULP_FACTOR = 10.0;

    // ------------------------------------------------------------------ configuration
    private final Stepper<S, C> stepper;
    private final StateOps<S> ops;
    private final SolveOptions o;
    private final ErrorNorm norm;
    private final StepController.State control;
    private final boolean adaptive;
    private final double t1, dir;
    private final SaveSchedule save;
    private final boolean dense;
    private final List<Step<S, C>> denseSteps;
    private final double[] stops;
    /** 100 ulp of each stop: a step ending closer than that lands on it (taken once, not per attempt). */
    private final double[] landingSlack;
    private final Callback[] callbacks;
    private final S u0;

    // ------------------------------------------------------------------ state
    private double t, h;
    private S u, fu;
    private int si;                 // next stop
    private int attempts, accepted, rejected;
    private boolean landing;
    private double lastAccepted = Double.NaN;
    /** The step the controller had proposed before the current attempt was shortened to land on a stop (NaN if it was not). */
    private double hBeforeLanding = Double.NaN;
    /**
     * The controller's proposal when the stepper moved the current attempt's end onto its grid
     * (Stepper.alignStep), NaN when it did not: the controller goes on from the proposal, so that
     * its small corrections accumulate instead of being rounded away step after step.
     */
    private double hUnaligned = Double.NaN;
    private ReturnCode rc;          // null while running
    /** Saved times, the first nt of ts (a growable array: no boxing per saved point). */
    private double[] ts = new double[16];
    private int nt;
    private final List<Tensor> us = new ArrayList<>();
    private final SaveSchedule.Saver<S> saver = this::saveState;
    // the accepted step being handled (callback phase)
    private Step<S, C> current;
    private double tnew;
    private S unew, fnew;
    private boolean modified, terminated;

    private Integrator(Stepper<S, C> stepper, S u0, S fu0, double t0, double t1, SolveOptions o, ErrorNorm norm,
                       StepController controller) {
        this.stepper = stepper;
        this.ops = stepper.ops();
        this.o = o;
        this.norm = norm;
        this.adaptive = controller.adaptive();
        this.control = controller.start(stepper.errorOrder());
        this.t1 = t1;
        this.dir = Math.signum(t1 - t0);
        this.save = SaveSchedule.of(o, t0, t1);
        this.dense = o.dense() != null ? o.dense() : save.everyStep && !o.hasSaveat();
        this.denseSteps = dense ? new ArrayList<>() : null;
        this.callbacks = o.callbacks();
        for (int i = 0; i < callbacks.length; i++) callbacks[i] = callbacks[i].forSolve();
        this.stops = stops(callbackStops(o.tstops(), callbacks, t0, t1), t0, t1, dir);
        this.landingSlack = new double[stops.length];
        for (int i = 0; i < stops.length; i++) landingSlack[i] = 100 * Math.ulp(stops[i]);
        // nothing but this loop reads a step after the next attempt (no dense output, no callback
        // that could interpolate, truncate or keep one): the stepper may reuse its scratch
        stepper.reuseStepScratch(!dense && callbacks.length == 0);
        this.u0 = u0;
        this.t = t0;
        this.u = u0;
        this.fu = fu0;
    }

    /**
     * Runs a solve. u0 and fu0 = f(u0, t0) are given (the caller has checked fu0's shape); the
     * controller decides acceptance ({@link ConstantStepSize} for fixed steps).
     */
    public static <S, C extends StepCache> OdeSolution run(Stepper<S, C> stepper, S u0, S fu0, double t0, double t1,
                                                         SolveOptions o, ErrorNorm norm, StepController controller) {
        return new Integrator<>(stepper, u0, fu0, t0, t1, o, norm, controller).solve();
    }

    private OdeSolution solve() {
        if (save.start) for (int i = 0; i < save.startCopies(); i++) saveState(t, u);
        if (!allFinite(ops.values(fu))) return finish(ReturnCode.UNSTABLE);
        h = initialStep();
        while (rc == null && si < stops.length) {
            if (attempts++ >= o.maxiters()) {
                rc = ReturnCode.MAX_ITERS;
                break;
            }
            Step<S, C> step = attempt();
            if (!judge(step)) continue;
            accept(step);
            if (rc != null) break;
            runCallbacks();
            save();
            advance();
        }
        if (rc == null) rc = ReturnCode.SUCCESS;
        return finish(rc);
    }

    private double initialStep() {
        if (!Double.isNaN(o.dt())) return dir * Math.abs(o.dt());
        if (!adaptive) throw new IllegalArgumentException("a fixed-step solve needs a step: set SolveOptions.dt(...)");
        return InitialStep.hairer(ops, ops.values(u), ops.values(fu), t, t1, stepper.order(), norm, o.dtmax());
    }

    // ------------------------------------------------------------------ phase 1: attempt

    /** A step towards the next stop, shortened to land on it when it would pass it. */
    private Step<S, C> attempt() {
        double target = stops[si];
        landing = false;
        hBeforeLanding = Double.NaN;
        hUnaligned = Double.NaN;
        double ha = adaptive ? stepper.alignStep(t, h) : h;
        if (Math.abs(ha) > o.dtmax()) ha = h;   // never past the user's largest step
        if (dir * (t + ha - target) >= 0 || Math.abs(target - (t + ha)) <= landingSlack[si]) {
            hBeforeLanding = h;
            h = target - t;
            landing = true;
        } else if (ha != h) {
            hUnaligned = h;
            h = ha;
        }
        return stepper.attempt(t, u, fu, h, norm);
    }

    /** The step the controller goes on from: its proposal where the attempt was aligned, else the attempted step. */
    private double proposed() { return Double.isNaN(hUnaligned) ? h : hUnaligned; }

    // ------------------------------------------------------------------ phase 2: accept or reject

    /** The controller's verdict; a rejected step shrinks h (or ends the solve when it cannot). */
    private boolean judge(Step<S, C> step) {
        double err = adaptive ? step.error : (allFinite(ops.values(step.unew)) ? 0.0 : Double.NaN);
        if (control.judge(err)) return true;
        if (!adaptive) {
            rc = ReturnCode.UNSTABLE;
            return false;
        }
        rejected++;
        h = control.next(proposed());
        if (tooSmall(h, t, o.dtmin())) rc = ReturnCode.DT_LESS_THAN_MIN;
        return false;
    }

    /** Takes an accepted step: checks the new state and makes sure f is there when it will be needed. */
    private void accept(Step<S, C> step) {
        accepted++;
        lastAccepted = h;
        current = step;
        tnew = landing ? stops[si] : t + h;
        if (landing) si++;
        unew = step.unew;
        modified = false;
        if (!allFinite(ops.values(unew))) {
            rc = ReturnCode.UNSTABLE;
            return;
        }
        boolean finished = si >= stops.length;
        if (step.fnew == null && (!finished || callbacks.length > 0
                || stepper.interpolationNeedsFnew() && (dense || save.hasPointsIn(t, tnew, dir)))) {
            step.fnew = ops.eval(unew, tnew);
        }
        fnew = step.fnew;
    }

    // ------------------------------------------------------------------ phase 3: callbacks

    /**
     * Events first: each callback locates its event in the step, the earliest wins (the first
     * callback on a tie), the step is truncated to its time and the winner handles it; then every
     * callback sees the step. An exception from a callback names it.
     */
    private void runCallbacks() {
        Callback winner = null;
        double tau = Double.NaN;
        for (Callback c : callbacks) {
            double tc;
            try {
                tc = c.locate(this);
            } catch (RuntimeException e) {
                throw failed(c, e);
            }
            if (Double.isNaN(tc)) continue;
            if (dir * (tc - t) <= 0 || dir * (tc - tnew) > 0) {
                throw new IllegalStateException("callback " + c + " located an event at t = " + tc + ", outside the step (" + t + ", " + tnew + "]");
            }
            if (winner == null || dir * (tc - tau) < 0) {
                winner = c;
                tau = tc;
            }
        }
        if (winner != null) {
            truncate(tau);
            try {
                winner.onEvent(this);
            } catch (RuntimeException e) {
                throw failed(winner, e);
            }
        }
        for (Callback c : callbacks) {
            try {
                c.afterStep(this);
            } catch (RuntimeException e) {
                throw failed(c, e);
            }
        }
    }

    private IllegalStateException failed(Callback c, RuntimeException e) {
        return new IllegalStateException("callback " + c + " failed at t = " + tnew + ": " + e.getMessage(), e);
    }

    // ------------------------------------------------------------------ phase 4: save

    private void save() {
        Step<S, C> step = current;
        save.saveWithin(step, t, tnew, dir, stepper, lastSavedTime(), saver);
        if (modified && save.everyStep) saveState(tnew, unew);   // the state after the jump, beside the one before
        if (denseSteps != null) denseSteps.add(step);
    }

    private void saveState(double time, S x) {
        addTime(time);
        us.add(ops.tensor(x));
    }

    private void addTime(double time) {
        if (nt == ts.length) ts = Arrays.copyOf(ts, 2 * nt);
        ts[nt++] = time;
    }

    /** The last saved time, NaN when nothing is saved yet. */
    private double lastSavedTime() { return nt == 0 ? Double.NaN : ts[nt - 1]; }

    // ------------------------------------------------------------------ phase 5: advance

    private void advance() {
        boolean finished = si >= stops.length;
        if (terminated) {
            t = tnew;
            u = unew;
            rc = ReturnCode.TERMINATED;
            return;
        }
        if (fnew != null && !allFinite(ops.values(fnew)) && !finished) {
            t = tnew;
            u = unew;
            rc = ReturnCode.UNSTABLE;
            return;
        }
        if (adaptive) {
            boolean resume = landing && !Double.isNaN(hBeforeLanding) && stepper.resumesStepAfterStop();
            double hNew = control.next(resume ? hBeforeLanding : proposed());
            if (Math.abs(hNew) > o.dtmax()) hNew = dir * o.dtmax();
            if (tooSmall(hNew, tnew, o.dtmin()) && !finished) {
                t = tnew;
                u = unew;
                rc = ReturnCode.DT_LESS_THAN_MIN;
                return;
            }
            h = hNew;
        } else if (landing && !finished) {
            h = dir * Math.abs(o.dt());
        }
        t = tnew;
        u = unew;
        fu = fnew;
    }

    // ------------------------------------------------------------------ the end

    private OdeSolution finish(ReturnCode code) {
        if (code == ReturnCode.SUCCESS && save.end && (nt == 0 || ts[nt - 1] != t1)) {
            for (int i = 0; i < save.endCopies(); i++) saveState(t1, u);
        }
        if (code == ReturnCode.TERMINATED && save.end && (nt == 0 || ts[nt - 1] != t)) {
            saveState(t, u);   // the state where a callback ended the solve (DifferentialEquations.jl's save_end)
        }
        if (!code.successful() && o.hasSaveat()) {
            // A failed solve keeps the requested grid: the unreached times hold NaN states, so a
            // loss over the series is NaN (a clear signal) instead of a shape error in user code.
            Tensor nan = Tensor.full(Double.NaN, ops.tensor(u0).shape());
            for (double tau : save.remaining()) {
                addTime(tau);
                us.add(nan);
            }
            if (save.end && (nt == 0 || ts[nt - 1] != t1)) {
                for (int i = 0; i < save.endCopies(); i++) {
                    addTime(t1);
                    us.add(nan);
                }
            }
        }
        double[] times = Arrays.copyOf(ts, nt);
        SolverStats stats = new SolverStats(accepted, rejected, ops.evaluations(), stepper.jacobians(), stepper.linearSolves(), stepper.switches());
        DenseOutput<S, C> d = denseSteps == null ? null : new DenseOutput<>(denseSteps, stepper);
        return new OdeSolution(times, us, code, stats, d).withLastStep(lastAccepted).withNextStep(nextStep(code));
    }

    /**
     * The step a solve continuing this one should start with: the controller's proposal after the
     * last accepted step, or the step it had proposed before that step was shortened to land on t1
     * when that is larger (landing on a stop says nothing about the step the solution allows).
     */
    private double nextStep(ReturnCode code) {
        if (!adaptive || accepted == 0 || code != ReturnCode.SUCCESS) return Double.NaN;
        return Double.isNaN(hBeforeLanding) || Math.abs(h) >= Math.abs(hBeforeLanding) ? h : hBeforeLanding;
    }

    // ------------------------------------------------------------------ IntegratorState (for callbacks)

    @Override public double t() { return tnew; }

    @Override public double tPrev() { return t; }

    @Override public Tensor u() { return ops.tensor(unew); }

    @Override public Tensor uPrev() { return ops.tensor(u); }

    @Override public Tensor interpolate(double tau) {
        if (dir * (tau - t) < 0 || dir * (tau - tnew) > 0) {
            throw new IllegalArgumentException("interpolate(" + tau + ") is outside the step [" + Math.min(t, tnew) + ", " + Math.max(t, tnew) + "]");
        }
        if (tau == tnew) return ops.tensor(current.uEnd());
        return ops.tensor(stepper.interpolate(current, (tau - t) / current.h));
    }

    @Override public Tensor du() { return ops.tensor(fnew); }

    @Override public Tensor p() { return ops.p(); }

    @Override public void truncate(double tau, Tensor x) {
        if (Double.isNaN(tau) || dir * (tau - t) <= 0 || dir * (tau - tnew) > 0) {
            throw new IllegalArgumentException("truncate(" + tau + ") is outside the step (" + t + ", " + tnew + "]");
        }
        if (modified) throw new IllegalStateException("truncate: the state at the step's end was already changed by setU");
        S ut = x != null ? checkedState(x, "truncate") : tau == tnew ? unew : stepper.interpolate(current, (tau - t) / current.h);
        if (tau != tnew) {
            if (landing) {   // the stop it landed on is still ahead
                si--;
                landing = false;
            }
            tnew = tau;
        }
        unew = ut;
        current.truncateAt(tnew, unew);
        fnew = ops.eval(unew, tnew);   // the end moved (or carries new derivatives): the next step cannot reuse f (FSAL)
    }

    private S checkedState(Tensor x, String what) {
        if (!x.shape().equals(ops.tensor(unew).shape())) {
            throw new IllegalArgumentException(what + ": the new state has shape " + x.shape() + ", the state has shape " + ops.tensor(unew).shape());
        }
        return ops.state(x);
    }

    @Override public void setU(Tensor x) {
        unew = checkedState(x, "setU");
        fnew = ops.eval(unew, tnew);   // f changes with the jump: the next step cannot reuse the old f (FSAL)
        modified = true;
    }

    @Override public void terminate() { terminated = true; }

    @Override public int acceptedSteps() { return accepted; }

    // ------------------------------------------------------------------ helpers

    static boolean tooSmall(double h, double t, double dtmin) {
        double a = Math.abs(h);
        if (a < dtmin || h == 0.0) return true;
        // ulp(t) ≤ 2^-52·|t| for a normal t, so |h| above 2^-48·|t| (+ 2^-1000 for a zero or
        // subnormal t) is above 10 ulp(t): the common case decided without taking ulp, the same
        // verdict (once per step, Math.ulp was a visible cost of a small solve)
        if (a > 0x1p-48 * Math.abs(t) + 0x1p-1000) return false;
        return a <= ULP_FACTOR * Math.ulp(t);
    }

    /** The solve's tstops and those its callbacks ask for (a dosing schedule). */
    private static double[] callbackStops(double[] tstops, Callback[] callbacks, double t0, double t1) {
        double[] all = tstops;
        for (Callback c : callbacks) {
            double[] more;
            try {
                more = c.tstops(t0, t1);
            } catch (RuntimeException e) {
                throw new IllegalStateException("callback " + c + " failed giving its tstops: " + e.getMessage(), e);
            }
            if (more == null || more.length == 0) continue;
            for (double x : more) {
                if (!Double.isFinite(x)) throw new IllegalArgumentException("callback " + c + " asked for a tstop that is not finite: " + x);
            }
            double[] m = Arrays.copyOf(all, all.length + more.length);
            System.arraycopy(more, 0, m, all.length, more.length);
            all = m;
        }
        return all;
    }

    /** tstops strictly inside the span, in the direction of integration, then t1. */
    private static double[] stops(double[] tstops, double t0, double t1, double dir) {
        // strictly inside, sorted, without repeats (a plain loop: a stream pipeline with distinct()
        // was a visible part of a small solve's fixed cost)
        double[] s = new double[tstops.length];
        int m = 0;
        for (double x : tstops) if (dir * (x - t0) > 0 && dir * (t1 - x) > 0) s[m++] = x;
        Arrays.sort(s, 0, m);
        int d = 0;
        for (int i = 0; i < m; i++) if (d == 0 || Double.compare(s[i], s[d - 1]) != 0) s[d++] = s[i];
        s = Arrays.copyOf(s, d);
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
