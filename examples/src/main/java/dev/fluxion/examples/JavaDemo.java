package dev.fluxion.examples;

import dev.fluxion.autodiff.AD;
import dev.fluxion.autodiff.CustomOp;
import dev.fluxion.autodiff.ValueAndGradient;
import dev.fluxion.diffeq.OdeProblem;
import dev.fluxion.diffeq.OdeSolution;
import dev.fluxion.diffeq.SolveOptions;
import dev.fluxion.diffeq.ode.Tsit5;
import dev.fluxion.diffeq.sensitivity.BacksolveAdjoint;
import dev.fluxion.diffeq.sensitivity.ForwardDuals;
import dev.fluxion.diffeq.sensitivity.InterpolatingAdjoint;
import dev.fluxion.diffeq.sensitivity.QuadratureAdjoint;
import dev.fluxion.diffeq.sensitivity.ReverseTape;
import dev.fluxion.diffeq.SensitivityAlgorithm;
import dev.fluxion.nn.Activation;
import dev.fluxion.nn.Chain;
import dev.fluxion.nn.Dense;
import dev.fluxion.nn.NeuralODE;
import dev.fluxion.optim.Adam;
import dev.fluxion.optim.Lbfgs;
import dev.fluxion.optim.Progress;
import dev.fluxion.optim.Trainer;
import dev.fluxion.tensor.Tensor;

import java.util.SplittableRandom;

/**
 * The Java face, end to end: tensors and gradients, a custom op, a solve and its gradient by every
 * sensitivity method, and a small neural ODE trained with Adam then polished with L-BFGS. Runs in
 * CI, so the Java API stays pleasant from Java.
 */
public final class JavaDemo {
    private JavaDemo() {}

    public static double run(boolean quiet) {
        // tensors and automatic differentiation
        Tensor p = Tensor.of(2.2, 1.0, 2.0, 0.4);
        Tensor w = Tensor.of(new double[][] {{1, 2}, {3, 4}});
        Tensor y = w.matmul(p.slice(0, 0, 2)).tanh().plus(1.0).sum();
        Tensor g = AD.gradient(q -> w.matmul(q.slice(0, 0, 2)).tanh().plus(1.0).sum(), p);
        Tensor hv = AD.hvp(q -> q.pow(3.0).sum(), p, Tensor.ones(4));
        print(quiet, "y = %.6f, dy/dp = %s, H·1 of Σp³ = %s", y.item(), g, hv);

        // a custom op with its own VJP (here softclip = tanh, written by hand)
        CustomOp softclip = CustomOp.builder("softclip")
                .forward(x -> x[0].tanh())
                .vjp((ctx, ct) -> new Tensor[] {ct.times(ctx.output().square().rsub(1.0))})
                .build();
        ValueAndGradient vg = AD.valueAndGradient(q -> softclip.apply(q).sum(), p);
        print(quiet, "softclip: value %.6f, gradient %s", vg.value().item(), vg.gradient());

        // a solve and d/dp of a loss on it, by every method
        OdeProblem prob = LotkaVolterra.problem().remake(p);
        OdeSolution sol = prob.solve(new Tsit5(), SolveOptions.defaults().saveat(0.5));
        print(quiet, "Lotka–Volterra: %s, u(10) = %s", sol.retcode(), sol.last());
        SensitivityAlgorithm[] methods = {new ReverseTape(), new ForwardDuals(), new BacksolveAdjoint(),
                new InterpolatingAdjoint(), new QuadratureAdjoint()};
        for (SensitivityAlgorithm s : methods) {
            SolveOptions o = SolveOptions.defaults().saveat(0.1).rtol(1e-8).atol(1e-8).sensealg(s);
            Tensor dp = AD.gradient(q -> prob.remake(q).solve(new Tsit5(), o).u().minus(1.0).square().sum(), p);
            print(quiet, "  %-22s d/dp = %s", s, dp);
        }

        // a small neural ODE fitted to a decaying rotation, Adam then L-BFGS
        double[] ts = Tensor.linspace(0.0, 1.0, 11).toDoubleArray();
        Tensor data = new OdeProblem((u, q, t) -> Tensor.stack(u.get(1).minus(u.get(0).times(0.1)), u.get(0).unaryMinus()),
                Tensor.of(1.0, 0.0), 0.0, 1.0).solve(new Tsit5(), SolveOptions.defaults().saveat(ts).rtol(1e-10).atol(1e-10)).u();
        SplittableRandom rng = new SplittableRandom(1);
        Chain model = Chain.of(new Dense(2, 8, Activation.TANH, rng), new Dense(8, 2, Activation.IDENTITY, rng));
        NeuralODE node = new NeuralODE(model, 0.0, 1.0, new Tsit5(),
                SolveOptions.defaults().saveat(ts).rtol(1e-8).atol(1e-8).sensealg(new InterpolatingAdjoint()));
        java.util.function.Supplier<Tensor> loss = () -> node.apply(Tensor.of(1.0, 0.0)).minus(data).square().sum();
        double before = loss.get().item();
        Trainer.train(loss, model.parameters(), new Adam(0.05), 100, (it, l, ps) -> false, Progress.NEVER);
        double afterAdam = loss.get().item();
        Trainer.train(loss, model.parameters(), new Lbfgs(), 30, (it, l, ps) -> false, Progress.NEVER);
        double after = loss.get().item();
        print(quiet, "neural ODE fit: loss %.3e -> %.3e (Adam) -> %.3e (L-BFGS)", before, afterAdam, after);
        return after;
    }

    private static void print(boolean quiet, String format, Object... args) {
        if (!quiet) System.out.println(String.format(format, args));
    }

    public static void main(String[] argv) {
        run(false);
    }
}
