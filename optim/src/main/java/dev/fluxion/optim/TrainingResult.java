package dev.fluxion.optim;

import java.util.List;

/**
 * What a training run did: the loss at the start of each iteration, how it ended, and why.
 *
 * @param losses      loss per iteration (the loss the iteration's gradient was taken at)
 * @param iterations  iterations whose update was applied
 * @param stop        why training ended
 * @param message     a human-readable account of the end (which iteration turned NaN, ...)
 * @param millisPerIteration median wall time of an iteration
 */
public record TrainingResult(List<Double> losses, int iterations, Stop stop, String message, double millisPerIteration) {
    public enum Stop { COMPLETED, CALLBACK, NON_FINITE_LOSS, CONVERGED }

    /** The last finite loss. */
    public double finalLoss() {
        for (int i = losses.size() - 1; i >= 0; i--) if (Double.isFinite(losses.get(i))) return losses.get(i);
        return Double.NaN;
    }
}
