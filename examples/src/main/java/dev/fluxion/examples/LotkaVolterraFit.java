package dev.fluxion.examples;

import dev.fluxion.autodiff.Parameter;
import dev.fluxion.diffeq.sensitivity.DiffEqLayers;
import dev.fluxion.diffeq.OdeProblem;
import dev.fluxion.diffeq.SolveOptions;
import dev.fluxion.diffeq.ode.Tsit5;
import dev.fluxion.optim.Adam;
import dev.fluxion.optim.Progress;
import dev.fluxion.optim.Trainer;
import dev.fluxion.optim.TrainingResult;
import dev.fluxion.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The seed's parameter fit (DiffEqFlux's release post): starting from p = [2.2, 1, 2, 0.4], find
 * parameters that make the prey population constant at 1 — loss Σ (x(t) − 1)² over
 * t = 0:0.1:10 — by Adam(0.1), differentiating the solve with each of diffeq_rd (ReverseTape),
 * diffeq_fd (ForwardDuals) and diffeq_adjoint (the adjoint).
 */
public final class LotkaVolterraFit {
    private LotkaVolterraFit() {}

    public record Fit(double initialLoss, double finalLoss, double[] p) {}

    interface Layer {
        Tensor apply(Tensor p, OdeProblem prob, dev.fluxion.diffeq.OdeAlgorithm alg, SolveOptions o);
    }

    public static Map<String, Fit> run(int iterations, boolean quiet) {
        OdeProblem prob = LotkaVolterra.problem();
        SolveOptions o = SolveOptions.defaults().saveat(0.1).rtol(1e-6).atol(1e-6);
        Map<String, Layer> layers = new LinkedHashMap<>();
        layers.put("diffeq_rd (ReverseTape)", DiffEqLayers::diffeqRd);
        layers.put("diffeq_fd (ForwardDuals)", DiffEqLayers::diffeqFd);
        layers.put("diffeq_adjoint (InterpolatingAdjoint)", DiffEqLayers::diffeqAdjoint);
        Map<String, Fit> fits = new LinkedHashMap<>();
        for (Map.Entry<String, Layer> e : layers.entrySet()) {
            Parameter p = new Parameter("p", Tensor.of(2.2, 1.0, 2.0, 0.4));
            // the prey population (first component) should be constant at 1
            java.util.function.Supplier<Tensor> loss = () -> e.getValue().apply(p.value(), prob, new Tsit5(), o)
                    .slice(1, 0, 1).minus(1.0).square().sum();
            double l0 = loss.get().item();
            long start = System.nanoTime();
            TrainingResult r = Trainer.train(loss, List.of(p), new Adam(0.1), iterations, (it, l, ps) -> false, Progress.NEVER);
            double l1 = loss.get().item();
            fits.put(e.getKey(), new Fit(l0, l1, p.value().toDoubleArray()));
            if (!quiet) {
                System.out.printf("%-38s loss %9.4f -> %8.5f in %d iterations (%.2f s, %.2f ms/iteration); p = %s%n",
                        e.getKey(), l0, l1, r.iterations(), (System.nanoTime() - start) / 1e9, r.millisPerIteration(),
                        java.util.Arrays.toString(round(p.value().toDoubleArray())));
            }
        }
        return fits;
    }

    private static double[] round(double[] x) {
        double[] r = new double[x.length];
        for (int i = 0; i < x.length; i++) r[i] = Math.round(x[i] * 1e4) / 1e4;
        return r;
    }

    public static void main(String[] argv) {
        Args a = new Args(argv);
        System.out.println("Lotka–Volterra parameter fit: make the prey population constant at 1 (Adam(0.1))");
        run(a.getInt("iterations", 100), false);
    }
}
