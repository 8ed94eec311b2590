package dev.fluxion.diffeq.sensitivity;

import dev.fluxion.diffeq.events.EventRecord;

import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The order of a continuous adjoint's backward pass: from the last saved time back to t0, adding
 * the loss's cotangent at each saved time, jumping at each event the forward solve recorded
 * ({@link EventJump}), and integrating the adjoint ODE over each piece between these breakpoints
 * (no piece crosses an event, so the backward solves and forward re-solves see smooth
 * trajectories).
 *
 * <p>Which saved row at an event time is which: when saving every step the integrator saves the
 * state before the jump and then the one after; a saveat time at the event holds the state before
 * it; a terminating event's last state is the one at the event when it only terminates, the one
 * after its affect when it has one. The rows are told apart by value (each is saved bit for bit as
 * recorded). Rows after the jump add to λ⁺; rows before are the jump's c⁻.
 */
final class AdjointSweep {
    private AdjointSweep() {}

    /** One piece: integrate the adjoint from tCur back to tPrev (no event or saved time strictly inside). */
    interface Piece {
        /**
         * @param uUpper the forward state at tCur approached from below (before an event there)
         * @param eventAtUpper whether an event happened at tCur (backsolve resets u there)
         * @param uLower the forward state at tPrev approached from above (after an event there)
         */
        void run(double tCur, double tPrev, double[] uUpper, boolean eventAtUpper, double[] uLower);
    }

    /** What happens at an event: λ⁺ → λ⁻ and μ += Δμ, with cMinus the cotangent of the state saved before the jump. */
    interface Jump {
        void apply(EventRecord r, double[] cMinus);
    }

    static void run(double[] ts, double[][] ys, double[][] ct, double t0, double[] u0, double dir, List<EventRecord> events,
                    double[] lambda, Piece piece, Jump jump, BooleanSupplier ok) {
        int m = ts.length, n = lambda.length;
        if (m == 0) return;
        int i = m - 1;
        int e = events.size() - 1;
        while (e >= 0 && dir * (events.get(e).t() - ts[m - 1]) > 0) e--;   // after the last saved state: no effect on the loss
        double tCur = ts[m - 1];
        while (true) {
            int j = i;
            while (j >= 0 && ts[j] == tCur) j--;          // rows j+1..i are at tCur
            int ea = e;
            while (ea >= 0 && events.get(ea).t() == tCur) ea--;   // events ea+1..e are at tCur
            int rows = i - j;
            if (ea == e) {
                for (int r = j + 1; r <= i; r++) add(lambda, ct[r]);
            } else {
                boolean anyAffect = false;
                for (int q = ea + 1; q <= e; q++) anyAffect |= events.get(q).affect() != null;
                double[] cMinus = new double[n];
                for (int r = j + 1; r <= i; r++) {
                    if (!anyAffect || before(ys[r], events.get(ea + 1), events.get(e), r == j + 1 && rows >= 2)) add(cMinus, ct[r]);
                    else add(lambda, ct[r]);
                }
                double[] none = new double[n];
                for (int q = e; q > ea; q--) jump.apply(events.get(q), q == ea + 1 ? cMinus : none);
            }
            double[] uUpper = ea < e ? events.get(ea + 1).uMinus() : rows > 0 ? ys[j + 1] : null;
            boolean eventAtUpper = ea < e;
            i = j;
            e = ea;
            double tPrev = t0;
            if (i >= 0) tPrev = ts[i];
            if (e >= 0 && dir * (events.get(e).t() - tPrev) > 0) tPrev = events.get(e).t();
            if (tPrev == tCur) return;
            double[] uLower = e >= 0 && events.get(e).t() == tPrev ? events.get(e).uPlus() : i >= 0 && ts[i] == tPrev ? ys[i] : u0;
            piece.run(tCur, tPrev, uUpper, eventAtUpper, uLower);
            if (!ok.getAsBoolean()) return;
            tCur = tPrev;
        }
    }

    /**
     * Whether a row saved at an event time holds the state before the jump: it equals the first
     * event's u⁻ and not the last one's u⁺ (both are saved as they were, bit for bit); when it
     * equals both (an affect that kept the state), the first of two rows is the one before.
     */
    private static boolean before(double[] row, EventRecord first, EventRecord last, boolean firstOfSeveral) {
        boolean minus = Arrays.equals(row, first.uMinus()), plus = Arrays.equals(row, last.uPlus());
        return minus != plus ? minus : firstOfSeveral;
    }

    private static void add(double[] acc, double[] x) {
        for (int k = 0; k < acc.length; k++) acc[k] += x[k];
    }
}
