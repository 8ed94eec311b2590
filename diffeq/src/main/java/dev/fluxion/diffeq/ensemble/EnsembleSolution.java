package dev.fluxion.diffeq.ensemble;

import dev.fluxion.diffeq.ReturnCode;
import dev.fluxion.diffeq.SolverStats;

import java.util.ArrayList;
import java.util.List;

/**
 * The result of an ensemble solve (DifferentialEquations.jl's {@code EnsembleSolution}): each
 * trajectory's output (its solution unless an output function says otherwise), the reduction's
 * result {@link #u()}, each trajectory's return code and the summed work statistics.
 *
 * <p>Outputs carry derivatives as the trajectories' solves do: under {@link EnsembleSerial}
 * exactly as single solves, under {@link EnsembleThreads} when the output is a tensor (the batch is
 * one op on the caller's tape).
 *
 * @param <R> the output type of one trajectory
 * @param <A> the reduction's result
 */
public final class EnsembleSolution<R, A> {
    private final List<R> outputs;
    private final A u;
    private final List<ReturnCode> retcodes;
    private final SolverStats stats;
    private final boolean converged;
    private final double elapsedSeconds;

    EnsembleSolution(List<R> outputs, A u, List<ReturnCode> retcodes, SolverStats stats, boolean converged, double elapsedSeconds) {
        this.outputs = java.util.Collections.unmodifiableList(new ArrayList<>(outputs));
        this.u = u;
        this.retcodes = List.copyOf(retcodes);
        this.stats = stats;
        this.converged = converged;
        this.elapsedSeconds = elapsedSeconds;
    }

    /** The reduction's result (with the default reduction: the outputs, in trajectory order). */
    public A u() { return u; }

    /** Each trajectory's output, in trajectory order. */
    public List<R> outputs() { return outputs; }

    /** Trajectory i's output. */
    public R output(int i) { return outputs.get(i); }

    /** The number of trajectories solved (fewer than asked when the reduction converged early). */
    public int trajectories() { return outputs.size(); }

    /** Each trajectory's return code. */
    public List<ReturnCode> retcodes() { return retcodes; }

    /** SUCCESS when every trajectory succeeded, else the first failing trajectory's code. */
    public ReturnCode retcode() {
        for (ReturnCode c : retcodes) if (!c.successful()) return c;
        return ReturnCode.SUCCESS;
    }

    /** Indices of the trajectories whose solve did not succeed. */
    public List<Integer> failures() {
        List<Integer> f = new ArrayList<>();
        for (int i = 0; i < retcodes.size(); i++) if (!retcodes.get(i).successful()) f.add(i);
        return f;
    }

    /** Whether the reduction reported convergence (and so stopped the ensemble early). */
    public boolean converged() { return converged; }

    /** The trajectories' work counters summed. */
    public SolverStats stats() { return stats; }

    /** Wall-clock seconds the ensemble solve took. */
    public double elapsedSeconds() { return elapsedSeconds; }

    @Override public String toString() {
        return "EnsembleSolution(" + trajectories() + " trajectories, retcode=" + retcode() + ", " + stats + ")";
    }
}
