package dev.fluxion.diffeq.ensemble;

import dev.fluxion.diffeq.DEProblem;
import dev.fluxion.diffeq.ReturnCode;
import dev.fluxion.diffeq.SolverStats;

/**
 * One trajectory's computation, the same wherever it runs: solve trajectory i's problem with its
 * seed, then apply the output function. Failures name the trajectory.
 */
final class Trajectory {
    private Trajectory() {}

    /** What the ensemble keeps of a solved trajectory. */
    record Done(Object output, ReturnCode retcode, SolverStats stats) {}

    /** Solves and keeps the output of one trajectory. */
    interface Body<P extends DEProblem<P>> {
        Done run(P prob, int i, long seed);
    }

    static <P extends DEProblem<P>, S extends dev.fluxion.diffeq.DESolution> Body<P> body(
            TrajectorySolver<P, ? extends S> solver, OutputFunction<? super S, ?> output) {
        return (prob, i, seed) -> {
            S sol;
            Object out;
            try {
                sol = solver.solve(prob, seed);
                if (sol == null) throw new IllegalStateException("the trajectory solver returned null");
                out = output.apply(sol, i);
            } catch (RuntimeException e) {
                throw failed(i, e);
            }
            return new Done(out, sol.retcode(), sol.stats());
        };
    }

    /** e with the trajectory's index in its message, of the same kind for the usual user errors. */
    static RuntimeException failed(int i, RuntimeException e) {
        String msg = "trajectory " + i + ": " + e.getMessage();
        if (e.getMessage() != null && e.getMessage().contains("confined to the thread")) {
            msg += " (under EnsembleThreads the solver and the output function run on worker threads: values that carry "
                    + "derivatives must reach a trajectory through the problem the prob function makes (u0, p, the span), "
                    + "not captured by the solver or the output function; or use EnsembleSerial)";
        }
        if (e instanceof IllegalArgumentException) return new IllegalArgumentException(msg, e);
        if (e instanceof UnsupportedOperationException) return new UnsupportedOperationException(msg, e);
        return new IllegalStateException(msg, e);
    }
}
