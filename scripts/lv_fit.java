// Lotka–Volterra parameter fit: recover p = [1.5, 1, 3, 1] from a noise-free series, starting
// from a wrong guess, by L-BFGS on gradients taken through the solver.
//
//   ./fluxion script scripts/lv_fit.java [iterations]

import dev.fluxion.autodiff.Parameter;
import dev.fluxion.diffeq.OdeFunction;
import dev.fluxion.diffeq.OdeProblem;
import dev.fluxion.diffeq.SolveOptions;
import dev.fluxion.diffeq.ode.Tsit5;
import dev.fluxion.optim.Lbfgs;
import dev.fluxion.optim.Progress;
import dev.fluxion.optim.Trainer;
import dev.fluxion.optim.TrainingResult;
import dev.fluxion.tensor.Tensor;

import java.util.List;
import java.util.function.Supplier;

public class LvFit {
    public static void main(String[] args) {
        int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 100;

        OdeFunction lotkaVolterra = (u, p, t) -> {
            Tensor x = u.get(0), y = u.get(1);
            return Tensor.stack(p.get(0).times(x).minus(p.get(1).times(x).times(y)),
                                p.get(3).times(x).times(y).minus(p.get(2).times(y)));
        };
        SolveOptions options = SolveOptions.defaults().saveat(0.1).rtol(1e-8).atol(1e-8);
        OdeProblem truth = new OdeProblem(lotkaVolterra, Tensor.of(1.0, 1.0), 0.0, 5.0, Tensor.of(1.5, 1.0, 3.0, 1.0));
        Tensor data = truth.solve(new Tsit5(), options).u();

        Parameter p = new Parameter("p", Tensor.of(1.2, 0.8, 2.8, 0.8));
        Supplier<Tensor> loss = () -> truth.remake(p.value()).solve(new Tsit5(), options).u().minus(data).square().sum();
        double before = loss.get().item();
        TrainingResult r = Trainer.train(loss, List.of(p), new Lbfgs(), iterations, (it, l, ps) -> false, Progress.NEVER);

        System.out.printf("loss %.3e -> %.3e in %d iterations (%s)%n", before, loss.get().item(), r.iterations(), r.message());
        double[] fitted = p.value().toDoubleArray();
        System.out.printf("fitted p = [%.4f, %.4f, %.4f, %.4f]%n", fitted[0], fitted[1], fitted[2], fitted[3]);
        System.out.println("true   p = [1.5000, 1.0000, 3.0000, 1.0000]");
    }
}
