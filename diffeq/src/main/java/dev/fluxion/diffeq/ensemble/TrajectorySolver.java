package dev.fluxion.diffeq.ensemble;

import dev.fluxion.diffeq.DEProblem;
import dev.fluxion.diffeq.DESolution;
import dev.fluxion.diffeq.OdeAlgorithm;
import dev.fluxion.diffeq.OdeProblem;
import dev.fluxion.diffeq.OdeSolution;
import dev.fluxion.diffeq.SolveOptions;

/**
 * How an ensemble solves one trajectory's problem: the method and options of DifferentialEquations.jl's
 * {@code solve(ensembleprob, alg, ensemblealg; kwargs...)}, for any problem class. The seed is the
 * trajectory's own ({@link TrajectorySeeds#of}: a function of the ensemble's seed and the
 * trajectory's index, so results do not depend on threads); a stochastic problem's solver passes it
 * to its noise, a deterministic one ignores it:
 *
 * <pre>{@code
 * TrajectorySolver<OdeProblem, OdeSolution> ode = TrajectorySolver.ode(new Tsit5(), options);
 * TrajectorySolver<SdeProblem, ...> sde = (prob, seed) -> prob.solve(new SOSRI(), options.seed(seed));
 * }</pre>
 *
 * A solver may be called from several threads at once (under {@link EnsembleThreads}); the
 * library's solves are safe for that (compiled programs keep one workspace per thread).
 *
 * @param <P> the problem type
 * @param <S> the solution type
 */
@FunctionalInterface
public interface TrajectorySolver<P extends DEProblem<P>, S extends DESolution> {
    S solve(P prob, long seed);

    /** Solves ODE problems with alg and options (the seed is not used). */
    static TrajectorySolver<OdeProblem, OdeSolution> ode(OdeAlgorithm alg, SolveOptions options) {
        if (alg == null || options == null) throw new IllegalArgumentException("TrajectorySolver.ode needs an algorithm and options");
        return (prob, seed) -> prob.solve(alg, options);
    }
}
