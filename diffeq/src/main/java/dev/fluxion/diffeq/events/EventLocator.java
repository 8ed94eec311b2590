package dev.fluxion.diffeq.events;

import dev.fluxion.autodiff.AD;
import dev.fluxion.diffeq.Callback;
import dev.fluxion.diffeq.IntegratorState;
import dev.fluxion.tensor.Tensor;

/**
 * One solve's instance of a continuous callback (scalar or vector condition): finds the first
 * zero crossing of the condition inside each accepted step on the step's interpolant, and handles
 * it with derivatives that follow the event time.
 *
 * <p><b>Location</b> (primal values, nothing recorded): the condition at the step's start, at
 * {@value #SAMPLES} − 1 interior points (a crossing and a crossing back inside one step are both
 * seen) and at its end; the first sign change in an admitted direction is refined by the Illinois
 * method to adjacent floating-point numbers, and the event time is the side after the crossing.
 * A condition that is exactly zero at the step's start (an event at t0, or one just handled and
 * not moved back before its crossing by the affect) takes its sign from a point 1/100 into the
 * step (DifferentialEquations.jl's repeat nudge), so the event is not found again, but a condition
 * that moves away and comes back is. A condition that touches zero without changing sign is no
 * event.
 *
 * <p><b>Derivatives</b>: when the state or p carry derivatives (a reverse tape, dual lanes), one
 * Newton correction in tensor ops at the converged root, t* = t*₀ − (g − value(g))/ġ with ġ =
 * ∂g/∂u·f + ∂g/∂t (a number), leaves t*'s value unchanged and gives it exactly the implicit
 * function theorem's derivative dt*&#47;dθ = −(∂g/∂u·du/dθ + ∂g/∂θ)/ġ; the state there is
 * u(t*₀) + f·(t* − t*₀), the same value with the derivative du/dθ + f·dt*&#47;dθ. The affect sees
 * both. The solve then continues from the number t*₀, so the state it continues from is the new
 * trajectory at t*₀: u⁺ − f(u⁺)·(t* − t*₀) with u⁺ = affect(u(t*)); its derivative carries the
 * saltation term (∂a/∂u·f⁻ − f⁺)·dt*&#47;dθ. Saved states: the one before the jump is the state at the
 * event (it moves with t*, as a terminating event's last state does); the one after and all later
 * ones are states at fixed times.
 */
final class EventLocator implements Callback {
    /** Intervals the step is split into for the sign scan. */
    static final int SAMPLES = 4;
    private static final double NUDGE = 0.01;

    /** The owning callback's affect when condition component {@code index} crossed (null: the event only terminates). */
    interface Affects {
        EventFunction at(int index);
    }

    private final String name;
    private final EventFunction condition;
    private final Direction direction;
    private final boolean scalar;
    private final Affects affects;
    private final boolean terminates;
    private final EventLog log;

    private double lastEventTime = Double.NaN;
    private int lastIndex = -1;
    private double lastSignBefore;   // the sign of the last event's condition before its crossing
    private int pending = -1;
    private double pendingSignBefore;

    EventLocator(String name, EventFunction condition, Direction direction, boolean scalar, Affects affects, boolean terminates,
                 EventLog log) {
        this.name = name;
        this.condition = condition;
        this.direction = direction;
        this.scalar = scalar;
        this.affects = affects;
        this.terminates = terminates;
        this.log = log;
    }

    @Override public String toString() { return name; }

    @Override public void afterStep(IntegratorState s) {}

    // ------------------------------------------------------------------ location (primal)

    private double[] g(Tensor uPrimal, Tensor pPrimal, double t) {
        Tensor out = condition.apply(uPrimal, pPrimal, Tensor.scalar(t));
        if (out == null) throw new IllegalArgumentException("the condition returned null");
        if (scalar && out.size() != 1) {
            throw new IllegalArgumentException("the condition must return a scalar, got shape " + out.shape()
                    + " (use VectorContinuousCallback for several conditions)");
        }
        if (out.size() == 0) throw new IllegalArgumentException("the condition returned an empty tensor");
        return out.primal().toDoubleArray();
    }

    private static Tensor primalState(IntegratorState s, double tau) {
        return AD.noGrad(() -> s.interpolate(tau)).primal();
    }

    @Override public double locate(IntegratorState s) {
        pending = -1;
        double a = s.tPrev(), b = s.t();
        Tensor p = s.p() == null ? null : s.p().primal();
        double[] ga = g(s.uPrev().primal(), p, a);
        int m = ga.length;
        double[] times = new double[SAMPLES + 1];
        double[][] gs = new double[SAMPLES + 1][];
        times[0] = a;
        gs[0] = ga;
        for (int j = 1; j < SAMPLES; j++) {
            times[j] = a + (b - a) * j / SAMPLES;
            gs[j] = g(primalState(s, times[j]), p, times[j]);
        }
        times[SAMPLES] = b;
        gs[SAMPLES] = g(s.u().primal(), p, b);
        double[] nudged = null;
        double tn = a + (b - a) * NUDGE;
        double best = Double.NaN;
        for (int i = 0; i < m; i++) {
            if (gs[SAMPLES].length != m || gs[1].length != m) throw new IllegalArgumentException("the condition changed its size during the solve");
            double tl = a, gl = ga[i];
            // Right after an event the condition sits at its root, on either side by rounding: take
            // its sign a little into the step, unless the affect moved the state back before the
            // crossing (a jump process redrawing its threshold), where a new crossing may come at once.
            if (gl == 0 || (a == lastEventTime && i == lastIndex && Math.signum(gl) != lastSignBefore)) {
                if (nudged == null) nudged = g(primalState(s, tn), p, tn);
                tl = tn;
                gl = nudged[i];
            }
            for (int j = 1; j <= SAMPLES; j++) {
                if ((b > a) ? times[j] <= tl : times[j] >= tl) continue;   // not after the (nudged) start
                double gr = gs[j][i];
                if (gl == 0) {   // no sign yet: take it from here
                    tl = times[j];
                    gl = gr;
                    continue;
                }
                boolean crossed = gr == 0 ? j == SAMPLES : Math.signum(gr) != Math.signum(gl);
                if (crossed && direction.admits(gl)) {
                    double root = gr == 0 ? times[j] : illinois(s, p, i, tl, gl, times[j], gr);
                    if (Double.isNaN(best) || (b > a ? root < best : root > best)) {
                        best = root;
                        pending = i;
                        pendingSignBefore = Math.signum(gl);
                    }
                    break;
                }
                if (gr != 0) {
                    tl = times[j];
                    gl = gr;
                }
            }
        }
        return best;
    }

    /** The Illinois method on [lo, hi] (signs opposite) to adjacent floating-point numbers; returns the side after the crossing. */
    private double illinois(IntegratorState s, Tensor p, int i, double lo, double glo, double hi, double ghi) {
        int side = 0;
        for (int it = 0; it < 200; it++) {
            double mid = hi - ghi * (hi - lo) / (ghi - glo);
            double lower = Math.min(lo, hi), upper = Math.max(lo, hi);
            if (!(mid > lower && mid < upper)) mid = 0.5 * (lo + hi);
            if (!(mid > lower && mid < upper)) break;   // lo and hi are adjacent
            double gm = g(primalState(s, mid), p, mid)[i];
            if (gm == 0) return mid;
            if (Math.signum(gm) == Math.signum(ghi)) {
                hi = mid;
                ghi = gm;
                if (side == 1) glo *= 0.5;
                side = 1;
            } else {
                lo = mid;
                glo = gm;
                if (side == -1) ghi *= 0.5;
                side = -1;
            }
        }
        return hi;
    }

    // ------------------------------------------------------------------ handling (tensor ops)

    @Override public void onEvent(IntegratorState s) {
        int i = pending;
        pending = -1;
        double tau = s.t();
        Tensor u0 = s.u(), p = s.p();
        Tensor uStar = u0, tStar = Tensor.scalar(tau), delta = null;
        if (!u0.isPrimal() || (p != null && !p.isPrimal())) {
            Tensor g = condition.apply(u0, p, tStar).reshape(-1).get(i);
            double gdot = slope(i, u0.primal(), p == null ? null : p.primal(), s.du().primal(), tau);
            if (gdot != 0 && Double.isFinite(gdot)) {
                delta = g.minus(g.detach()).times(-1.0 / gdot);   // value 0, derivative dt*/dθ
                uStar = u0.plus(s.du().times(delta));
                tStar = tStar.plus(delta);
                s.truncate(tau, uStar);
            }
        }
        lastEventTime = tau;
        lastIndex = i;
        lastSignBefore = pendingSignBefore;
        EventFunction affect = affects.at(i);
        if (affect != null) {
            Tensor next = affect.apply(uStar, p, tStar);
            if (next == null) throw new IllegalArgumentException("the affect returned null");
            s.setU(next);
            if (delta != null) {
                // The solve goes on from the number t*₀, not from t*(θ): the state it continues from is
                // the new trajectory's value at t*₀, u⁺ − f(u⁺)·(t* − t*₀) (the saltation term).
                s.setU(next.minus(s.du().times(delta)));
            }
        }
        if (terminates) s.terminate();
        if (log != null) {
            log.add(new EventRecord(name, tau, u0.primal().toDoubleArray(), s.u().primal().toDoubleArray(), condition, i,
                    affect, terminates));
        }
    }

    /** ġ = ∂g/∂u·f + ∂g/∂t at the event, by one forward lane. */
    private double slope(int i, Tensor u, Tensor p, Tensor f, double tau) {
        return AD.jvp(d -> condition.apply(u.plus(f.times(d)), p, Tensor.scalar(tau).plus(d)).reshape(-1).get(i),
                Tensor.scalar(0.0), Tensor.scalar(1.0)).item();
    }
}
