package dev.fluxion.diffeq.sensitivity;

import dev.fluxion.diffeq.DenseOutput;

/**
 * The forward state u(t) on one piece [tPrev, tCur] of an adjoint sweep, from a dense output. At
 * an event time the dense output holds two states (the step ending there has the state before the
 * jump, the next step starts from the one after); a piece takes the one on its own side.
 */
final class PieceStates {
    private final DenseOutput<?, ?> dense;
    private final double lo, hi;
    private final double[] uLo, uHi;

    /** The piece between a and b, with the states at its ends on its side (null: the dense output's). */
    PieceStates(DenseOutput<?, ?> dense, double a, double[] ua, double b, double[] ub) {
        this.dense = dense;
        this.lo = a;
        this.hi = b;
        this.uLo = ua;
        this.uHi = ub;
    }

    /** The whole dense output (no piece boundaries to resolve). */
    static PieceStates of(DenseOutput<?, ?> dense) { return new PieceStates(dense, Double.NaN, null, Double.NaN, null); }

    double[] at(double t) {
        // a backward stage time t + c·h may round a few ulps past the piece's end (h = target − t is
        // not exact): it is the end
        if (t < Math.min(lo, hi)) t = Math.min(lo, hi);
        else if (t > Math.max(lo, hi)) t = Math.max(lo, hi);
        if (t == lo && uLo != null) return uLo;
        if (t == hi && uHi != null) return uHi;
        return dense.valuesAt(t);
    }
}
