// A custom op with hand-written derivative rules, used inside an ODE's right-hand side: a Hill
// activation h(x) = x² / (1 + x²) drives a gene-regulation model, and the gradient of a loss on
// the solution is taken through the solver by reverse mode, forward mode and the adjoint. Each
// must match the gradient of the same model written in plain Tensor ops.
//
//   ./fluxion script scripts/custom_op.main.kts

import dev.fluxion.autodiff.CustomOp
import dev.fluxion.autodiff.gradient
import dev.fluxion.autodiff.jacobian
import dev.fluxion.diffeq.odeProblem
import dev.fluxion.diffeq.solve
import dev.fluxion.diffeq.ode.Tsit5
import dev.fluxion.diffeq.sensitivity.ForwardDuals
import dev.fluxion.diffeq.sensitivity.InterpolatingAdjoint
import dev.fluxion.diffeq.sensitivity.ReverseTape
import dev.fluxion.tensor.*

// h(x) = x² / (1 + x²) and its derivative h'(x) = 2x / (1 + x²)², for the VJP and the JVP
fun dHill(x: Tensor) = 2.0 * x / (x.square() + 1.0).square()

val hill = CustomOp.builder("hill")
    .forward { x -> x[0].square() / (x[0].square() + 1.0) }
    .vjp { ctx, g -> arrayOf(g * dHill(ctx.input(0))) }
    .jvp { ctx, t -> t[0] * dHill(ctx.input(0)) }
    .build()

// two genes, each activated by the other: du_i = p_i h(u_j) - p_{i+2} u_i
fun model(h: (Tensor) -> Tensor) = odeProblem(tensorOf(0.5, 1.5), 0.0, 5.0, tensorOf(2.0, 1.5, 0.7, 0.5)) { u, p, _ ->
    Tensor.stack(p[0] * h(u[1]) - p[2] * u[0], p[1] * h(u[0]) - p[3] * u[1])
}
val custom = model { hill.apply(it) }
val plain = model { it.square() / (it.square() + 1.0) }
fun show(x: Tensor) = x.toList().joinToString(", ", "[", "]") { "%.6f".format(it) }

var worst = 0.0
for (s in listOf(ReverseTape(), ForwardDuals(), InterpolatingAdjoint())) {
    fun dLoss(prob: dev.fluxion.diffeq.OdeProblem) = gradient(prob.p()) { q ->
        solve(prob.remake(q), Tsit5()) { saveat = 0.5; rtol = 1e-10; atol = 1e-10; sensealg = s }.u().square().sum()
    }
    val g = dLoss(custom)
    val diff = (g - dLoss(plain)).abs().max().item()
    worst = maxOf(worst, diff)
    println("%-22s d/dp = %s, differs from plain ops by %.1e".format(s, show(g), diff))
}
// forward mode straight through the op: the Jacobian of h at a few points
val x = tensorOf(-1.0, 0.5, 2.0)
val jac = jacobian(x) { hill.apply(it) }
println("Jacobian of hill at ${show(x)}: diagonal ${show(tensorOf(jac[0, 0].item(), jac[1, 1].item(), jac[2, 2].item()))}, h' = ${show(dHill(x))}")
println("largest difference from plain Tensor ops: %.1e".format(worst))
