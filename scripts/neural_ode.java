// A neural ODE: learn du/dt = model(u) from a series of a damped rotation, with the gradient of
// the fit taken by the interpolating adjoint; Adam, then L-BFGS.
//
//   ./fluxion script scripts/neural_ode.java [adam-iterations]

import dev.fluxion.diffeq.OdeProblem;
import dev.fluxion.diffeq.SolveOptions;
import dev.fluxion.diffeq.ode.Tsit5;
import dev.fluxion.diffeq.sensitivity.InterpolatingAdjoint;
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
import java.util.function.Supplier;

public class NeuralOde {
    public static void main(String[] args) {
        int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        double[] ts = Tensor.linspace(0.0, 1.0, 11).toDoubleArray();
        Tensor u0 = Tensor.of(1.0, 0.0);

        // the data: du/dt = [u2 - 0.1 u1, -u1]
        OdeProblem truth = new OdeProblem((u, p, t) -> Tensor.stack(u.get(1).minus(u.get(0).times(0.1)), u.get(0).unaryMinus()),
                u0, 0.0, 1.0);
        Tensor data = truth.solve(new Tsit5(), SolveOptions.defaults().saveat(ts).rtol(1e-10).atol(1e-10)).u();

        SplittableRandom rng = new SplittableRandom(1);
        Chain model = Chain.of(new Dense(2, 8, Activation.TANH, rng), new Dense(8, 2, Activation.IDENTITY, rng));
        NeuralODE node = new NeuralODE(model, 0.0, 1.0, new Tsit5(),
                SolveOptions.defaults().saveat(ts).rtol(1e-8).atol(1e-8).sensealg(new InterpolatingAdjoint()));
        Supplier<Tensor> loss = () -> node.apply(u0).minus(data).square().sum();

        double before = loss.get().item();
        Trainer.train(loss, model.parameters(), new Adam(0.05), iterations, (it, l, ps) -> false, Progress.NEVER);
        double afterAdam = loss.get().item();
        Trainer.train(loss, model.parameters(), new Lbfgs(), 30, (it, l, ps) -> false, Progress.NEVER);
        double after = loss.get().item();

        System.out.println(node.describe() + ", " + model.parameters().stream().mapToInt(p -> p.value().size()).sum() + " parameters");
        System.out.printf("loss %.3e -> %.3e (Adam) -> %.3e (L-BFGS)%n", before, afterAdam, after);
        double[] fit = node.apply(u0).get(10).toDoubleArray(), want = data.get(10).toDoubleArray();
        System.out.printf("u(1): fitted [%.4f, %.4f], data [%.4f, %.4f]%n", fit[0], fit[1], want[0], want[1]);
    }
}
