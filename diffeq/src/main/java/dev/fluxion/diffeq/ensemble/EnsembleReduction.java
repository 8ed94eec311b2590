package dev.fluxion.diffeq.ensemble;

import dev.fluxion.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * DifferentialEquations.jl's {@code reduction(u, batch, I) -> (u, converged)} with {@code u_init}:
 * folds the outputs of each batch of trajectories into an accumulator, on the caller's thread, in
 * trajectory order (so the result does not depend on threads). Returning true from
 * {@link #converged} stops the ensemble after the current batch (a Monte Carlo estimate that has
 * reached its tolerance). Tensor reductions are ordinary ops, so a loss reduced over the ensemble
 * is differentiable.
 *
 * @param <R> the output type of one trajectory
 * @param <A> the accumulator (the ensemble's result)
 */
public interface EnsembleReduction<R, A> {
    /** The accumulator before any batch ({@code u_init}). */
    A initial();

    /** The accumulator after the outputs of trajectories first, first + 1, ... */
    A reduce(A acc, List<R> batch, int first);

    /** Whether to stop after the batch just reduced. */
    default boolean converged(A acc) { return false; }

    /** The result from the final accumulator, once the ensemble has run {@code trajectories} trajectories. */
    default A finish(A acc, int trajectories) { return acc; }

    /** Keeps every output, in trajectory order (the default). */
    static <R> EnsembleReduction<R, List<R>> collect() {
        return new EnsembleReduction<>() {
            @Override public List<R> initial() { return new ArrayList<>(); }

            @Override public List<R> reduce(List<R> acc, List<R> batch, int first) {
                List<R> out = new ArrayList<>(acc);
                out.addAll(batch);
                return out;
            }

            @Override public List<R> finish(List<R> acc, int trajectories) { return List.copyOf(acc); }
        };
    }

    /** The sum of tensor outputs (all of one shape), added in trajectory order. */
    static EnsembleReduction<Tensor, Tensor> sum() {
        return new EnsembleReduction<>() {
            @Override public Tensor initial() { return null; }

            @Override public Tensor reduce(Tensor acc, List<Tensor> batch, int first) { return add(acc, batch, first); }
        };
    }

    /** The mean of tensor outputs (all of one shape): their sum in trajectory order over the number of trajectories run. */
    static EnsembleReduction<Tensor, Tensor> mean() {
        return new EnsembleReduction<>() {
            @Override public Tensor initial() { return null; }

            @Override public Tensor reduce(Tensor acc, List<Tensor> batch, int first) { return add(acc, batch, first); }

            @Override public Tensor finish(Tensor acc, int trajectories) { return acc.div(trajectories); }
        };
    }

    private static Tensor add(Tensor acc, List<Tensor> batch, int first) {
        for (int k = 0; k < batch.size(); k++) {
            Tensor x = batch.get(k);
            if (x == null) throw new IllegalArgumentException("reduction: the output of trajectory " + (first + k) + " is null");
            if (acc != null && !x.shape().equals(acc.shape())) {
                throw new IllegalArgumentException("reduction: the output of trajectory " + (first + k) + " has shape " + x.shape()
                        + ", the earlier ones " + acc.shape() + "; outputs summed must share a shape");
            }
            acc = acc == null ? x : acc.plus(x);
        }
        return acc;
    }
}
