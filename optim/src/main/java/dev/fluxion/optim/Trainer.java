package dev.fluxion.optim;

import dev.fluxion.autodiff.Parameter;
import dev.fluxion.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * The training loop (Flux's train!, DiffEqFlux's sciml_train): each iteration evaluates the loss
 * with the parameters tracked, takes the gradient, and lets the optimizer update them. A loss that
 * turns NaN or infinite stops training with a message naming the iteration, and the parameters
 * are put back to the last values that gave a finite loss.
 *
 * <pre>{@code
 * Trainer.train(() -> loss(node.apply(u0)), model.parameters(), new Adam(0.1), 300,
 *               (it, l, ps) -> { System.out.println(it + " " + l); return false; });
 * }</pre>
 */
public final class Trainer {
    private Trainer() {}

    public static TrainingResult train(Supplier<Tensor> loss, List<Parameter> params, Optimizer opt, int iterations) {
        return train(loss, params, opt, iterations, (i, l, p) -> false, Progress.AUTO);
    }

    public static TrainingResult train(Supplier<Tensor> loss, List<Parameter> params, Optimizer opt, int iterations, Callback callback) {
        return train(loss, params, opt, iterations, callback, Progress.AUTO);
    }

    public static TrainingResult train(Supplier<Tensor> loss, List<Parameter> params, Optimizer opt, int iterations,
                                       Callback callback, Progress progress) {
        if (iterations < 0) throw new IllegalArgumentException("iterations must be non-negative, got " + iterations);
        boolean show = progress.enabled();
        boolean terminal = System.console() != null;
        Objective objective = () -> Parameter.gradients(loss, params);
        List<Double> losses = new ArrayList<>();
        double[] times = new double[iterations];
        Tensor[] good = snapshot(params);
        double goodLoss = Double.NaN;
        TrainingResult.Stop stop = TrainingResult.Stop.COMPLETED;
        String message = "completed " + iterations + " iterations";
        int done = 0;
        for (int it = 1; it <= iterations; it++) {
            Tensor[] before = snapshot(params);
            long t0 = System.nanoTime();
            double l = opt.step(objective, params);
            times[it - 1] = (System.nanoTime() - t0) / 1e6;
            losses.add(l);
            if (!Double.isFinite(l)) {
                restore(params, good);
                stop = TrainingResult.Stop.NON_FINITE_LOSS;
                message = "loss became " + l + " at iteration " + it + "; stopped, keeping the parameters "
                        + (it == 1 ? "as they were" : "of iteration " + (it - 1) + " (loss " + goodLoss + ")");
                System.err.println("Trainer: " + message);
                break;
            }
            good = before;
            goodLoss = l;
            done = it;
            if (show) Progress.line(System.out, terminal, it, iterations, l, times[it - 1]);
            if (callback.onIteration(it, l, params)) {
                stop = TrainingResult.Stop.CALLBACK;
                message = "stopped by the callback at iteration " + it;
                if (show && terminal) System.out.println();
                break;
            }
            if (opt instanceof Lbfgs lb && lb.converged()) {
                stop = TrainingResult.Stop.CONVERGED;
                message = "L-BFGS converged at iteration " + it;
                if (show && terminal) System.out.println();
                break;
            }
        }
        double[] used = Arrays.copyOf(times, Math.max(1, losses.size()));
        Arrays.sort(used);
        return new TrainingResult(List.copyOf(losses), done, stop, message, used[used.length / 2]);
    }

    private static Tensor[] snapshot(List<Parameter> params) {
        Tensor[] s = new Tensor[params.size()];
        for (int i = 0; i < s.length; i++) s[i] = params.get(i).value();
        return s;
    }

    private static void restore(List<Parameter> params, Tensor[] values) {
        for (int i = 0; i < values.length; i++) params.get(i).set(values[i]);
    }
}
