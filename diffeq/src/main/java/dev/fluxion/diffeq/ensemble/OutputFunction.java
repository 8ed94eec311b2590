package dev.fluxion.diffeq.ensemble;

/**
 * DifferentialEquations.jl's {@code output_func}: what the ensemble keeps of trajectory i's
 * solution (the solution itself by default; a loss, a final state or a saved series to save memory
 * or to differentiate). It runs where the trajectory is solved, on a worker thread under
 * {@link EnsembleThreads}, so it must not read tensors recorded on the caller's reverse tape (pass
 * such values through the problem). To be differentiated under {@code EnsembleThreads} it returns
 * a {@link dev.fluxion.tensor.Tensor}.
 *
 * @param <S> the solution type
 * @param <R> the output type
 */
@FunctionalInterface
public interface OutputFunction<S, R> {
    R apply(S sol, int i);
}
