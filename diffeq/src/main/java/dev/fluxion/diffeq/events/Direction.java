package dev.fluxion.diffeq.events;

/**
 * Which zero crossings of a condition are events (DifferentialEquations.jl's affect! and
 * affect_neg!: UP is an affect with no affect_neg!, DOWN the reverse).
 */
public enum Direction {
    /** From negative to positive. */
    UP,
    /** From positive to negative. */
    DOWN,
    /** Either way. */
    BOTH;

    boolean admits(double before) {
        return this == BOTH || (this == UP ? before < 0 : before > 0);
    }
}
