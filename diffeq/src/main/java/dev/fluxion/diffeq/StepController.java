package dev.fluxion.diffeq;

/**
 * Step-size control behind one interface (diffrax's step-size controllers, OrdinaryDiffEq.jl's
 * {@code AbstractController}): given the weighted error estimate of an attempted step, a
 * controller decides whether to accept it and by what factor to scale the next step. Controllers
 * are immutable descriptions; the memory one solve needs (previous errors) lives in the
 * {@link State} that {@link #start} makes for it, so one controller can serve many solves at once.
 *
 * <p>Every decision reads primal error values only: derivatives never steer the steps.
 */
public interface StepController {
    /** Fresh memory for one solve of a method of the given order (of its error estimate's propagated solution). */
    State start(int order);

    /** Whether this controller adapts the step from an error estimate (false: constant steps). */
    default boolean adaptive() { return true; }

    /** One solve's controller memory. Not thread-safe: one per solve. */
    interface State {
        /**
         * Judges an attempted step whose weighted error estimate is err (NaN when not finite; 0
         * for methods without an estimate) and returns whether to accept it. The next step size
         * is then {@link #next}; the memory moves on only for accepted steps.
         */
        boolean judge(double err);

        /** The step after the last {@link #judge} of a step of size h: the next step after an acceptance, the retry after a rejection. */
        double next(double h);
    }
}
