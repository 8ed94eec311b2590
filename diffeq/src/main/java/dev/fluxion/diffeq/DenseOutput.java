package dev.fluxion.diffeq;

import dev.fluxion.tensor.Tensor;

import java.util.List;

/**
 * The accepted steps of a solve with their stages, for interpolation anywhere in the span. A step
 * truncated by an event covers only [t, tEnd]; the next step starts there.
 */
public final class DenseOutput<S, C extends StepCache> {
    private final List<Step<S, C>> steps;
    private final Stepper<S, C> stepper;

    DenseOutput(List<Step<S, C>> steps, Stepper<S, C> stepper) {
        this.steps = steps;
        this.stepper = stepper;
    }

    /** The accepted steps, in order of integration. */
    public List<Step<S, C>> steps() { return steps; }

    public Stepper<S, C> stepper() { return stepper; }

    /** The step last used: adjoint sweeps query monotonically, so the next step is usually this or a neighbour. */
    private int cursor;

    /** u(t) as plain values (for flat solves, the interpolated array itself), for hot loops such as adjoint sweeps. */
    public double[] valuesAt(double t) {
        Step<S, C> s = steps.get(locate(t));
        StateOps<S> ops = stepper.ops();
        if (t == s.tEnd()) return ops.values(s.uEnd());
        if (t == s.t) return ops.values(s.u);
        return ops.values(stepper.interpolate(s, (t - s.t) / s.h));
    }

    /** Index of the step containing t, trying the cursor and its neighbours before a binary search. */
    private int locate(double t) {
        if (steps.isEmpty()) throw new IllegalArgumentException("no steps were taken, so there is nothing to interpolate");
        double dir = Math.signum(steps.get(0).h);
        for (int c = Math.max(0, cursor - 1); c <= Math.min(steps.size() - 1, cursor + 1); c++) {
            Step<S, C> s = steps.get(c);
            if (dir * (t - s.t) >= 0 && dir * (s.tEnd() - t) >= 0) return cursor = c;
        }
        at(t);   // validates the range and leaves the cursor on the step found
        return cursor;
    }

    /** u(t) by the method's interpolant inside the step containing t; NaN or t outside the span is an IllegalArgumentException. */
    public Tensor at(double t) {
        if (Double.isNaN(t)) throw new IllegalArgumentException("at(NaN): the time is not a number");
        if (steps.isEmpty()) throw new IllegalArgumentException("no steps were taken, so there is nothing to interpolate");
        Step<S, C> first = steps.get(0), last = steps.get(steps.size() - 1);
        double dir = Math.signum(first.h);
        double lo = first.t, hi = last.tEnd();
        if (dir * (t - lo) < 0 || dir * (t - hi) > 0) {
            throw new IllegalArgumentException("at(" + t + ") is outside the solved span [" + Math.min(lo, hi) + ", " + Math.max(lo, hi) + "]");
        }
        int a = 0, b = steps.size() - 1;
        while (a < b) {   // first step whose end is at or past t
            int m = (a + b) >>> 1;
            if (dir * (steps.get(m).tEnd() - t) >= 0) b = m;
            else a = m + 1;
        }
        cursor = a;
        Step<S, C> s = steps.get(a);
        StateOps<S> ops = stepper.ops();
        if (t == s.tEnd()) return ops.tensor(s.uEnd());
        if (t == s.t) return ops.tensor(s.u);
        return ops.tensor(stepper.interpolate(s, (t - s.t) / s.h));
    }
}
