package dev.fluxion.diffeq;

import java.util.Arrays;

/**
 * Which states a solve keeps, with DifferentialEquations.jl's rules: with saveat, the given times
 * (a step means t0:Δ:t1, computed as t0 + (t1 − t0)·k/N when the span is a whole number of steps,
 * so 0:0.1:10 gives exactly 0.3); without, every accepted step. saveat points are interpolated
 * inside steps, never stepped to.
 *
 * <p>Explicit times give one saved state per time asked for, duplicates included (each copy of a
 * time is a row of the series, so a series lines up with data sampled twice at one time), in the
 * order of integration: times given out of order are saved sorted, as DifferentialEquations.jl
 * sorts them, and {@code sol.t()} says which state is which. An empty list means no saveat, as in
 * DifferentialEquations.jl.
 */
final class SaveSchedule {
    /** More save times than this is a mistake (a step far smaller than the span), not a request: each time holds a state. */
    static final long MAX_SAVE_TIMES = 10_000_000L;

    final boolean start;
    final boolean end;
    final boolean everyStep;
    private final int startCopies, endCopies;   // how many times t0 and t1 were asked for
    private final double[] times;   // strictly inside the span, in the direction of integration
    private int next;

    /** Receives a saved state. */
    interface Saver<S> {
        void save(double t, S x);
    }

    private SaveSchedule(boolean start, int startCopies, boolean end, int endCopies, boolean everyStep, double[] times) {
        this.start = start;
        this.startCopies = startCopies;
        this.end = end;
        this.endCopies = endCopies;
        this.everyStep = everyStep;
        this.times = times;
    }

    static SaveSchedule of(SolveOptions o, double t0, double t1) {
        double dir = Math.signum(t1 - t0);
        boolean every = o.saveEverystep() != null ? o.saveEverystep() : !o.hasSaveat();
        if (!o.hasSaveat()) {
            return new SaveSchedule(o.saveStart() == null || o.saveStart(), 1, o.saveEnd() == null || o.saveEnd(), 1, every, new double[0]);
        }
        if (!Double.isNaN(o.saveatStep())) {
            double d = o.saveatStep();
            if (!(d > 0) || !Double.isFinite(d)) throw new IllegalArgumentException("saveat step must be finite and positive, got " + d);
            double span = Math.abs(t1 - t0);
            double nReal = span / d;
            if (!(nReal <= MAX_SAVE_TIMES)) {
                throw new IllegalArgumentException(String.format("saveat step %s over the span [%s, %s] asks for %.3g saved states, more than %d: "
                        + "use a larger step", d, Math.min(t0, t1), Math.max(t0, t1), nReal, MAX_SAVE_TIMES));
            }
            long n = Math.round(nReal);
            boolean whole = Math.abs(nReal - n) <= 1e-9 * Math.max(1.0, nReal);
            int count = (int) (whole ? n : (long) Math.floor(nReal));
            double[] p = new double[count + 1];
            int m = 0;
            for (int k = 1; k <= count; k++) {
                if (whole && k == n) break;   // t1 itself is the end point ((t1 − t0)·n/n may round below t1)
                double tk = whole ? t0 + (t1 - t0) * k / n : t0 + dir * k * d;
                if (dir * (t1 - tk) > 0) p[m++] = tk;
            }
            return new SaveSchedule(o.saveStart() == null || o.saveStart(), 1, o.saveEnd() == null || o.saveEnd(), 1, every,
                    Arrays.copyOf(p, m));
        }
        double[] raw = o.saveatTimes();
        for (int i = 0; i < raw.length; i++) {
            double x = raw[i];
            if (!Double.isFinite(x) || dir * (x - t0) < 0 || dir * (t1 - x) < 0) {
                throw new IllegalArgumentException("saveat time " + x + " is outside the time span [" + t0 + ", " + t1 + "]");
            }
        }
        int atT0 = 0, atT1 = 0, m = 0;
        double[] inner = new double[raw.length];
        for (double x : raw) {
            if (x == t0) atT0++;
            else if (x == t1) atT1++;
            else inner[m++] = x;
        }
        inner = Arrays.copyOf(inner, m);
        Arrays.sort(inner);
        if (dir < 0) {
            for (int i = 0, j = m - 1; i < j; i++, j--) {
                double tmp = inner[i];
                inner[i] = inner[j];
                inner[j] = tmp;
            }
        }
        boolean start = o.saveStart() != null ? o.saveStart() : atT0 > 0;
        boolean end = o.saveEnd() != null ? o.saveEnd() : atT1 > 0;
        return new SaveSchedule(start, Math.max(1, atT0), end, Math.max(1, atT1), every, inner);
    }

    /** How many copies of the start state to save (t0 asked for more than once). */
    int startCopies() { return startCopies; }

    /** How many copies of the end state to save. */
    int endCopies() { return endCopies; }

    /** The saveat times not reached yet. */
    double[] remaining() {
        return Arrays.copyOfRange(times, next, times.length);
    }

    /** Whether a saveat point falls in (t, tnew]. */
    boolean hasPointsIn(double t, double tnew, double dir) {
        return next < times.length && dir * (times[next] - tnew) <= 0;
    }

    /**
     * |tau − tnew| ≤ 100 ulp(tnew), with the common case (far apart) decided without taking ulp:
     * 100 ulp(x) < 2^-45·|x| for a normal x (2^-1000 more covers a zero or subnormal one), the same
     * verdict (once per saved point, Math.ulp was a visible cost of a small solve's saving).
     */
    static boolean withinUlps(double tau, double tnew) {
        double d = Math.abs(tau - tnew);
        if (d > 0x1p-45 * Math.abs(tnew) + 0x1p-1000) return false;
        return d <= 100 * Math.ulp(tnew);
    }

    /** Saves the saveat points inside an accepted step (up to tnew, its end, which an event may have moved back), then the step's end if saving every step. */
    <S, C extends StepCache> void saveWithin(Step<S, C> step, double t, double tnew, double dir, Stepper<S, C> stepper,
                                             double lastSaved, Saver<S> out) {
        while (next < times.length && dir * (times[next] - tnew) <= 0) {
            double tau = times[next++];
            if (withinUlps(tau, tnew)) out.save(tau, step.uEnd());
            else out.save(tau, stepper.interpolate(step, (tau - t) / step.h));
            lastSaved = tau;
        }
        if (everyStep && lastSaved != tnew) out.save(tnew, step.uEnd());
    }
}
