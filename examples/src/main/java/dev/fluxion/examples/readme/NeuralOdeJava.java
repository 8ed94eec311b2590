package dev.fluxion.examples.readme;

import dev.fluxion.diffeq.SolveOptions;
import dev.fluxion.diffeq.ode.Tsit5;
import dev.fluxion.diffeq.sensitivity.InterpolatingAdjoint;
import dev.fluxion.examples.SpiralData;
import dev.fluxion.nn.Activation;
import dev.fluxion.nn.Chain;
import dev.fluxion.nn.Dense;
import dev.fluxion.nn.Init;
import dev.fluxion.nn.Layer;
import dev.fluxion.nn.NeuralODE;
import dev.fluxion.optim.Adam;
import dev.fluxion.optim.Trainer;
import dev.fluxion.tensor.Tensor;

/** The README's neural ODE (the marked part, verbatim), on the spiral data; {@code ReadmeSpec} runs it. */
public final class NeuralOdeJava {
    private NeuralOdeJava() {}

    /** Trains on the spiral data; returns {loss before, loss after}. */
    public static double[] run() {
        Init.seed(0);
        double[] ts = SpiralData.times();
        Tensor u0 = Tensor.of(2.0, 0.0), data = SpiralData.data();
        // README:begin neural-ode-java
        Chain model = Chain.of(Layer.of(x -> x.pow(3)), new Dense(2, 50, Activation.TANH), new Dense(50, 2));
        NeuralODE node = new NeuralODE(model, 0.0, 1.5, new Tsit5(),
                SolveOptions.defaults().saveat(ts).rtol(1e-7).atol(1e-9).sensealg(new InterpolatingAdjoint()));
        // README:end
        double before = node.apply(u0).minus(data).square().sum().item();
        // README:begin neural-ode-java
        Trainer.train(() -> node.apply(u0).minus(data).square().sum(), model.parameters(), new Adam(0.1), 300);
        // README:end
        double after = node.apply(u0).minus(data).square().sum().item();
        return new double[] {before, after};
    }

    public static void main(String[] args) {
        double[] r = run();
        System.out.printf("spiral loss %.4g -> %.4g after 300 Adam iterations%n", r[0], r[1]);
    }
}
