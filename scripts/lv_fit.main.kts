// Lotka–Volterra parameter fit: recover p = [1.5, 1, 3, 1] from a noise-free series, starting
// from a wrong guess, by L-BFGS on gradients taken through the solver.
//
//   ./fluxion script scripts/lv_fit.main.kts [iterations]

import dev.fluxion.autodiff.Parameter
import dev.fluxion.diffeq.odeProblem
import dev.fluxion.diffeq.solve
import dev.fluxion.diffeq.ode.Tsit5
import dev.fluxion.optim.Lbfgs
import dev.fluxion.optim.Progress
import dev.fluxion.optim.Trainer
import dev.fluxion.tensor.*

val iterations = args.firstOrNull()?.toInt() ?: 100

val truth = odeProblem(tensorOf(1.0, 1.0), 0.0, 5.0, tensorOf(1.5, 1.0, 3.0, 1.0)) { u, p, _ ->
    Tensor.stack(p[0] * u[0] - p[1] * u[0] * u[1], -p[2] * u[1] + p[3] * u[0] * u[1])
}
fun series(q: Tensor) = solve(truth.remake(q), Tsit5()) { saveat = 0.1; rtol = 1e-8; atol = 1e-8 }.u()
val data = series(truth.p())

val p = Parameter("p", tensorOf(1.2, 0.8, 2.8, 0.8))
val loss = { (series(p.value()) - data).square().sum() }
val before = loss().item()
val r = Trainer.train(loss, listOf(p), Lbfgs(), iterations, { _, _, _ -> false }, Progress.NEVER)

println("loss %.3e -> %.3e in %d iterations (%s)".format(before, loss().item(), r.iterations(), r.message()))
println("fitted p = " + p.value().toList().joinToString(", ", "[", "]") { "%.4f".format(it) })
println("true   p = [1.5000, 1.0000, 3.0000, 1.0000]")
