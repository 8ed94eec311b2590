package dev.fluxion.examples.readme;

// README:begin quick-start-java
import dev.fluxion.autodiff.AD;
import dev.fluxion.diffeq.*;
import dev.fluxion.diffeq.ode.Tsit5;
import dev.fluxion.diffeq.sensitivity.InterpolatingAdjoint;
import dev.fluxion.tensor.Tensor;

// README:end

/** The README's Java quick start (its marked parts, verbatim); {@code ReadmeSpec} runs it. */
public final class QuickStartJava {
    private QuickStartJava() {}

    /** What the quick start computes, for the test to check. */
    public record Result(OdeSolution sol, Tensor atTwoAndAHalf, Tensor g) {}

    public static Result run() {
        // README:begin quick-start-java
        OdeFunction lotkaVolterra = (u, p, t) -> {
            Tensor x = u.get(0), y = u.get(1);
            return Tensor.stack(p.get(0).times(x).minus(p.get(1).times(x).times(y)),
                                p.get(3).times(x).times(y).minus(p.get(2).times(y)));
        };
        Tensor u0 = Tensor.of(1.0, 1.0), p = Tensor.of(1.5, 1.0, 3.0, 1.0);
        OdeProblem prob = new OdeProblem(lotkaVolterra, u0, 0.0, 10.0, p);
        OdeSolution sol = prob.solve(new Tsit5(), SolveOptions.defaults().saveat(0.1).rtol(1e-6).atol(1e-6));
        sol.t(); sol.u(); sol.at(2.5); sol.retcode();

        // d/dp of a loss on the solution, by the adjoint method
        Tensor g = AD.gradient(q -> prob.remake(q)
                .solve(new Tsit5(), SolveOptions.defaults().saveat(0.1).sensealg(new InterpolatingAdjoint()))
                .u().minus(1.0).square().sum(), p);
        // README:end
        return new Result(sol, sol.at(2.5), g);
    }

    public static void main(String[] args) {
        Result r = run();
        System.out.println(r.sol() + "\nu(2.5) = " + r.atTwoAndAHalf() + "\ndL/dp = " + r.g());
    }
}
