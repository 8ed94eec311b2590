// A neural ODE: learn du/dt = model(u) from a series of a damped rotation, with the gradient of
// the fit taken by the interpolating adjoint; Adam, then L-BFGS.
//
//   ./fluxion script scripts/neural_ode.main.kts [adam-iterations]

import dev.fluxion.diffeq.odeProblem
import dev.fluxion.diffeq.solve
import dev.fluxion.diffeq.ode.Tsit5
import dev.fluxion.diffeq.sensitivity.InterpolatingAdjoint
import dev.fluxion.nn.Activation
import dev.fluxion.nn.Chain
import dev.fluxion.nn.Dense
import dev.fluxion.nn.NeuralODE
import dev.fluxion.optim.Adam
import dev.fluxion.optim.Lbfgs
import dev.fluxion.optim.Optimizer
import dev.fluxion.optim.Progress
import dev.fluxion.optim.Trainer
import dev.fluxion.tensor.*
import java.util.SplittableRandom

val iterations = args.firstOrNull()?.toInt() ?: 100
val ts = Tensor.linspace(0.0, 1.0, 11).toDoubleArray()
val u0 = tensorOf(1.0, 0.0)

// the data: du/dt = [u2 - 0.1 u1, -u1]
val truth = odeProblem(u0, 0.0, 1.0) { u, _, _ -> Tensor.stack(u[1] - 0.1 * u[0], -u[0]) }
val data = solve(truth, Tsit5()) { saveatTimes = ts; rtol = 1e-10; atol = 1e-10 }.u()

val rng = SplittableRandom(1)
val model = Chain.of(Dense(2, 8, Activation.TANH, rng), Dense(8, 2, Activation.IDENTITY, rng))
val node = NeuralODE(model, 0.0, 1.0, Tsit5(),
    dev.fluxion.diffeq.SolveOptions.defaults().saveat(*ts).rtol(1e-8).atol(1e-8).sensealg(InterpolatingAdjoint()))
val loss = { (node.apply(u0) - data).square().sum() }
fun train(opt: Optimizer, n: Int) = Trainer.train(loss, model.parameters(), opt, n, { _, _, _ -> false }, Progress.NEVER)

val before = loss().item()
train(Adam(0.05), iterations)
val afterAdam = loss().item()
train(Lbfgs(), 30)
val after = loss().item()

println("${node.describe()}, ${model.parameters().sumOf { it.value().size() }} parameters")
println("loss %.3e -> %.3e (Adam) -> %.3e (L-BFGS)".format(before, afterAdam, after))
fun show(x: Tensor) = x.toList().joinToString(", ", "[", "]") { "%.4f".format(it) }
println("u(1): fitted ${show(node.apply(u0)[10])}, data ${show(data[10])}")
