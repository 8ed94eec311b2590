package dev.fluxion.diffeq.ensemble;

import dev.fluxion.diffeq.DEProblem;

/**
 * DifferentialEquations.jl's {@code prob_func}: the problem of trajectory i, made from the
 * ensemble's base problem (new u0, parameters or span through the problem's {@code with}
 * methods). It runs on the caller's thread, in trajectory order, so it may read tensors that carry
 * derivatives (the caller's reverse tape or dual lanes): derivatives flow from them into every
 * trajectory whatever the {@link EnsembleAlgorithm}.
 *
 * @param <P> the problem type
 */
@FunctionalInterface
public interface ProblemFunction<P extends DEProblem<P>> {
    P apply(P prob, int i);

    /** Every trajectory solves the base problem (stochastic problems still differ by their seeds). */
    static <P extends DEProblem<P>> ProblemFunction<P> identity() {
        return (prob, i) -> prob;
    }
}
