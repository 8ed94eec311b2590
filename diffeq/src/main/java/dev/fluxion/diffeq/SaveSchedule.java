package dev.fluxion.diffeq;

import dev.fluxion.tensor.Tensor;

import java.util.Arrays;
import java.util.List;

/**
 * Which states a solve keeps, with DifferentialEquations.jl's rules: with saveat, the given times
 * (a step means t0:Δ:t1, computed as t0 + (t1 − t0)·k/N when the span is a whole number of steps,
 * so 0:0.1:10 gives exactly 0.3); without, every accepted step. saveat points are interpolated
 * inside steps, never stepped to.
 */
final class SaveSchedule {
    final boolean start;
    final boolean end;
    final boolean everyStep;
    private final double[] times;   // strictly after t0, in the direction of integration
    private int next;

    private SaveSchedule(boolean start, boolean end, boolean everyStep, double[] times) {
        this.start = start;
        this.end = end;
        this.everyStep = everyStep;
        this.times = times;
    }

    static SaveSchedule of(SolveOptions o, double t0, double t1) {
        double dir = Math.signum(t1 - t0);
        boolean every = o.saveEverystep() != null ? o.saveEverystep() : !o.hasSaveat();
        if (!o.hasSaveat()) {
            return new SaveSchedule(o.saveStart() == null || o.saveStart(), o.saveEnd() == null || o.saveEnd(), every, new double[0]);
        }
        double[] pts;
        boolean start, end;
        if (!Double.isNaN(o.saveatStep())) {
            double d = o.saveatStep();
            if (!(d > 0) || !Double.isFinite(d)) throw new IllegalArgumentException("saveat step must be finite and positive, got " + d);
            double span = Math.abs(t1 - t0);
            double nReal = span / d;
            long n = Math.round(nReal);
            boolean whole = Math.abs(nReal - n) <= 1e-9 * Math.max(1.0, nReal);
            int count = (int) Math.min(Integer.MAX_VALUE - 1, whole ? n : (long) Math.floor(nReal));
            double[] p = new double[count + 1];
            int m = 0;
            for (int k = 1; k <= count; k++) {
                double tk = whole ? t0 + (t1 - t0) * k / n : t0 + dir * k * d;
                if (dir * (t1 - tk) > 0) p[m++] = tk;
            }
            pts = Arrays.copyOf(p, m);
            start = o.saveStart() == null || o.saveStart();
            end = o.saveEnd() == null || o.saveEnd();
        } else {
            double[] raw = o.saveatTimes();
            for (double x : raw) {
                if (!Double.isFinite(x) || dir * (x - t0) < 0 || dir * (t1 - x) < 0) {
                    throw new IllegalArgumentException("saveat time " + x + " is outside the time span [" + t0 + ", " + t1 + "]");
                }
            }
            boolean hasT0 = false, hasT1 = false;
            double[] inner = new double[raw.length];
            int m = 0;
            for (double x : raw) {
                if (x == t0) hasT0 = true;
                else if (x == t1) hasT1 = true;
                else inner[m++] = x;
            }
            pts = Arrays.copyOf(inner, m);
            Arrays.sort(pts);
            if (dir < 0) {
                for (int i = 0, j = pts.length - 1; i < j; i++, j--) {
                    double tmp = pts[i];
                    pts[i] = pts[j];
                    pts[j] = tmp;
                }
            }
            start = o.saveStart() != null ? o.saveStart() : hasT0;
            end = o.saveEnd() != null ? o.saveEnd() : hasT1;
        }
        return new SaveSchedule(start, end, every, pts);
    }

    /** The saveat times not reached yet. */
    double[] remaining() {
        return Arrays.copyOfRange(times, next, times.length);
    }

    /** Whether a saveat point falls in (t, tnew]. */
    boolean hasPointsIn(double t, double tnew, double dir) {
        return next < times.length && dir * (times[next] - tnew) <= 0;
    }

    /** Saves the saveat points inside an accepted step, then the step's end if saving every step. */
    <S> void saveWithin(Step<S> step, double t, double tnew, double dir, Stepper<S> stepper, List<Double> ts, List<Tensor> us) {
        StateOps<S> ops = stepper.ops();
        while (next < times.length && dir * (times[next] - tnew) <= 0) {
            double tau = times[next++];
            if (Math.abs(tau - tnew) <= 100 * Math.ulp(tnew)) {
                ts.add(tau);
                us.add(ops.tensor(step.unew));
            } else {
                ts.add(tau);
                us.add(ops.tensor(stepper.interpolate(step, (tau - t) / step.h)));
            }
        }
        if (everyStep && (ts.isEmpty() || ts.get(ts.size() - 1) != tnew)) {
            ts.add(tnew);
            us.add(ops.tensor(step.unew));
        }
    }
}
