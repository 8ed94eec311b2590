package dev.fluxion.examples.readme;

// README:begin sde-quick-start-java
import dev.fluxion.autodiff.AD;
import dev.fluxion.diffeq.*;
import dev.fluxion.diffeq.sde.*;
import dev.fluxion.diffeq.sensitivity.ForwardDuals;
import dev.fluxion.tensor.Tensor;

// README:end

/** The README's SDE quick start (its marked parts, verbatim); {@code ReadmeSpec} runs it. */
public final class SdeQuickStartJava {
    private SdeQuickStartJava() {}

    /** What the quick start computes, for the test to check. */
    public record Result(OdeSolution sol, OdeSolution again, Tensor g) {}

    public static Result run() {
        // README:begin sde-quick-start-java
        OdeFunction lotkaVolterra = (u, p, t) -> Tensor.stack(
                p.get(0).times(u.get(0)).minus(p.get(1).times(u.get(0)).times(u.get(1))),
                p.get(3).times(u.get(0)).times(u.get(1)).minus(p.get(2).times(u.get(1))));
        DiffusionFunction noise = (u, p, t) -> u.times(0.1);          // diagonal noise: shaped like u
        Tensor u0 = Tensor.of(1.0, 1.0), p = Tensor.of(1.5, 1.0, 3.0, 1.0);
        SdeProblem prob = new SdeProblem(lotkaVolterra, noise, u0, 0.0, 10.0, p);
        SolveOptions o = SolveOptions.defaults().saveat(0.1).seed(42);   // the seed fixes the Brownian path
        OdeSolution sol = prob.solve(new SOSRI(), o);                    // adaptive, strong order 1.5 (Itô)
        OdeSolution em = prob.solve(new EM(), o.dt(0.01));               // Euler–Maruyama, fixed steps, same path

        // a pathwise gradient on that path, by forward duals (or ReverseTape, BacksolveAdjoint)
        Tensor g = AD.gradient(q -> prob.remake(q).solve(new SOSRI(), o.sensealg(new ForwardDuals()))
                .u().minus(1.0).square().sum(), p);
        // README:end
        return new Result(sol, prob.solve(new SOSRI(), o), g);
    }

    public static void main(String[] args) {
        Result r = run();
        System.out.println(r.sol() + "; gradient " + r.g());
    }
}
