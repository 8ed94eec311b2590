package dev.fluxion.diffeq;

import dev.fluxion.tensor.Tensor;

/**
 * What every differential-equation problem offers (SciML's {@code AbstractDEProblem}): an initial
 * state, a time span and parameters, and immutable copies with any of them replaced. ODE problems
 * implement it today; SDE, DDE, jump and second-order problems implement it the same way, so
 * ensembles, layers and sensitivity code can remake any problem.
 *
 * @param <P> the problem's own type (the copies have it)
 */
public interface DEProblem<P extends DEProblem<P>> {
    /** The initial state (computed from p and t0 if the problem has a u0 function). */
    Tensor u0();

    /** The span [t0, t1] as scalar tensors (computed from p if the problem has a span function). */
    Tensor[] tspan();

    /** The parameters (an empty tensor when there are none). */
    Tensor p();

    P withP(Tensor p);

    P withU0(Tensor u0);

    P withTspan(double t0, double t1);

    P withTspan(Tensor t0, Tensor t1);

    /** The same problem with new parameters (DifferentialEquations.jl's remake(prob; p)). */
    default P remake(Tensor p) { return withP(p); }
}
