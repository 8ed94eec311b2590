// A custom op with hand-written derivative rules, used inside an ODE's right-hand side: a Hill
// activation h(x) = x² / (1 + x²) drives a gene-regulation model, and the gradient of a loss on
// the solution is taken through the solver by reverse mode, forward mode and the adjoint. Each
// must match the gradient of the same model written in plain Tensor ops.
//
//   ./fluxion script scripts/custom_op.java

import dev.fluxion.autodiff.AD;
import dev.fluxion.autodiff.CustomOp;
import dev.fluxion.diffeq.OdeFunction;
import dev.fluxion.diffeq.OdeProblem;
import dev.fluxion.diffeq.SolveOptions;
import dev.fluxion.diffeq.ode.Tsit5;
import dev.fluxion.diffeq.sensitivity.ForwardDuals;
import dev.fluxion.diffeq.sensitivity.InterpolatingAdjoint;
import dev.fluxion.diffeq.sensitivity.ReverseTape;
import dev.fluxion.diffeq.SensitivityAlgorithm;
import dev.fluxion.tensor.Tensor;

import java.util.function.Function;

public class CustomOpDemo {
    // h(x) = x² / (1 + x²) and its derivative h'(x) = 2x / (1 + x²)², for the VJP and the JVP
    static Tensor dHill(Tensor x) { return x.times(2.0).div(x.square().plus(1.0).square()); }

    static final CustomOp HILL = CustomOp.builder("hill")
            .forward(in -> in[0].square().div(in[0].square().plus(1.0)))
            .vjp((ctx, g) -> new Tensor[] {g.times(dHill(ctx.input(0)))})
            .jvp((ctx, t) -> t[0].times(dHill(ctx.input(0))))
            .build();

    // two genes, each activated by the other: du_i = p_i h(u_j) - p_{i+2} u_i
    static OdeFunction model(Function<Tensor, Tensor> h) {
        return (u, p, t) -> Tensor.stack(
                p.get(0).times(h.apply(u.get(1))).minus(p.get(2).times(u.get(0))),
                p.get(1).times(h.apply(u.get(0))).minus(p.get(3).times(u.get(1))));
    }

    static String show(Tensor t) {
        StringBuilder b = new StringBuilder("[");
        for (double v : t.toDoubleArray()) b.append(b.length() > 1 ? ", " : "").append(String.format("%.6f", v));
        return b.append("]").toString();
    }

    public static void main(String[] args) {
        Tensor p = Tensor.of(2.0, 1.5, 0.7, 0.5), u0 = Tensor.of(0.5, 1.5);
        OdeProblem custom = new OdeProblem(model(x -> HILL.apply(x)), u0, 0.0, 5.0, p);
        OdeProblem plain = new OdeProblem(model(x -> x.square().div(x.square().plus(1.0))), u0, 0.0, 5.0, p);

        double worst = 0;
        for (SensitivityAlgorithm s : new SensitivityAlgorithm[] {new ReverseTape(), new ForwardDuals(), new InterpolatingAdjoint()}) {
            SolveOptions o = SolveOptions.defaults().saveat(0.5).rtol(1e-10).atol(1e-10).sensealg(s);
            Tensor g = AD.gradient(q -> custom.remake(q).solve(new Tsit5(), o).u().square().sum(), p);
            Tensor want = AD.gradient(q -> plain.remake(q).solve(new Tsit5(), o).u().square().sum(), p);
            double diff = g.minus(want).abs().max().item();
            worst = Math.max(worst, diff);
            System.out.printf("%-22s d/dp = %s, differs from plain ops by %.1e%n", s, show(g), diff);
        }
        // forward mode straight through the op: the Jacobian of h at a few points
        Tensor x = Tensor.of(-1.0, 0.5, 2.0);
        Tensor jac = AD.jacobian(HILL::apply, x);
        System.out.println("Jacobian of hill at " + show(x) + ": diagonal " + show(Tensor.of(jac.get(0, 0).item(), jac.get(1, 1).item(), jac.get(2, 2).item()))
                + ", h' = " + show(dHill(x)));
        System.out.printf("largest difference from plain Tensor ops: %.1e%n", worst);
    }
}
