package dev.fluxion.diffeq;

/** How a solve ended, with DifferentialEquations.jl's meanings. */
public enum ReturnCode {
    /** Reached the end of the time span. */
    SUCCESS,
    /** Took maxiters steps without reaching the end. */
    MAX_ITERS,
    /** The adaptive step size fell below dtmin (typically a singularity or extreme stiffness). */
    DT_LESS_THAN_MIN,
    /** The state or the right-hand side became NaN or infinite. */
    UNSTABLE,
    /** A callback ended the solve early (DifferentialEquations.jl's Terminated); a successful end. */
    TERMINATED;

    /** Whether the solve ended as asked (reached t1, or a callback terminated it). */
    public boolean successful() { return this == SUCCESS || this == TERMINATED; }
}
