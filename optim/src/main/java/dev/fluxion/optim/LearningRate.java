package dev.fluxion.optim;

/** A learning rate as a function of the iteration (1, 2, ...): constant, or a schedule. */
@FunctionalInterface
public interface LearningRate {
    double at(int iteration);

    static LearningRate constant(double lr) {
        if (!(lr > 0) || !Double.isFinite(lr)) throw new IllegalArgumentException("learning rate must be finite and positive, got " + lr);
        return it -> lr;
    }

    /** lr · decay^(iteration − 1). */
    static LearningRate exponentialDecay(double lr, double decay) {
        return it -> lr * Math.pow(decay, it - 1);
    }

    /** lr · factor^⌊(iteration − 1) / every⌋. */
    static LearningRate step(double lr, double factor, int every) {
        return it -> lr * Math.pow(factor, (it - 1) / every);
    }

    /** Cosine annealing from lr to lrMin over period iterations (Loshchilov & Hutter 2017), held after. */
    static LearningRate cosine(double lr, double lrMin, int period) {
        return it -> {
            double x = Math.min(it - 1, period) / (double) period;
            return lrMin + 0.5 * (lr - lrMin) * (1 + Math.cos(Math.PI * x));
        };
    }
}
