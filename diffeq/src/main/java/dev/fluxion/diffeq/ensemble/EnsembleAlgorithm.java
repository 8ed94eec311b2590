package dev.fluxion.diffeq.ensemble;

import java.util.List;
import java.util.function.IntFunction;

/**
 * Where an ensemble's trajectories run (DifferentialEquations.jl's {@code EnsembleAlgorithm}):
 * {@link EnsembleSerial} on the caller's thread, {@link EnsembleThreads} on worker threads. Either
 * gives the same results, bit for bit: every trajectory's computation depends only on its index and
 * seed, and reductions run on the caller's thread in trajectory order.
 */
public interface EnsembleAlgorithm {
    /** body(0), ..., body(n − 1), in index order in the result, however they were scheduled. */
    <T> List<T> map(int n, IntFunction<T> body);

    /** Whether map runs every body on the caller's thread (so bodies may use the caller's AD levels). */
    boolean onCallerThread();
}
