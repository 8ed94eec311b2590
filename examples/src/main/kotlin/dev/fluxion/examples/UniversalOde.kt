package dev.fluxion.examples

import dev.fluxion.autodiff.Parameter
import dev.fluxion.diffeq.OdeFunction
import dev.fluxion.diffeq.OdeProblem
import dev.fluxion.diffeq.SolveOptions
import dev.fluxion.diffeq.ode.Tsit5
import dev.fluxion.diffeq.sensitivity.InterpolatingAdjoint
import dev.fluxion.nn.Activation
import dev.fluxion.nn.Chain
import dev.fluxion.nn.Dense
import dev.fluxion.nn.Flat
import dev.fluxion.optim.Adam
import dev.fluxion.optim.Progress
import dev.fluxion.optim.Trainer
import dev.fluxion.tensor.Tensor
import java.util.SplittableRandom

/**
 * A universal differential equation, the seed's "partial neural adjoint" Lotka–Volterra: the prey
 * equation is a network, du1 = ann(u), the predator equation keeps its known form
 * du2 = p1·y + p2·x·y with unknown p (true values −3 and 1). Network and p are fitted together to
 * data from the true system, through the interpolating adjoint.
 */
object UniversalOde {
    data class Result(val initialLoss: Double, val finalLoss: Double, val p: DoubleArray, val millisPerIteration: Double)

    fun run(iterations: Int, quiet: Boolean = false): Result {
        val ts = Tensor.linspace(0.0, 3.0, 31).toDoubleArray()
        val data = OdeProblem(LotkaVolterra.F, Tensor.of(1.0, 1.0), 0.0, 3.0, Tensor.of(1.5, 1.0, 3.0, 1.0))
            .solve(Tsit5(), SolveOptions.defaults().saveat(*ts).rtol(1e-10).atol(1e-10)).u()

        val rng = SplittableRandom(2)
        val ann = Chain.of(Dense(2, 10, Activation.TANH, rng), Dense(10, 1, Activation.IDENTITY, rng))
        val flat = Flat(ann)
        val physics = Parameter("p", Tensor.of(-2.0, 1.1))
        val nAnn = flat.size()

        // p of the ODE problem = [network parameters..., p1, p2]
        val f = OdeFunction { u, q, _ ->
            val x = u[0]
            val y = u[1]
            val net = ann.apply(u, flat.unflatten(q.slice(0, 0, nAnn)))
            Tensor.concat(0, net, (q[nAnn] * y + q[nAnn + 1] * x * y).reshape(1))
        }
        val options = SolveOptions.defaults().saveat(*ts).rtol(1e-7).atol(1e-9).sensealg(InterpolatingAdjoint())
        val loss = {
            val theta = Tensor.concat(0, flat.flatten(), physics.value())
            (OdeProblem(f, Tensor.of(1.0, 1.0), 0.0, 3.0, theta).solve(Tsit5(), options).u() - data).square().sum()
        }
        val before = loss().item()
        val params = ann.parameters() + physics
        val result = Trainer.train(loss, params, Adam(0.01), iterations, { it, l, _ ->
            if (!quiet && (it == 1 || it % 50 == 0)) println("iteration %4d  loss %.6f  p = %s".format(it, l, physics.value()))
            false
        }, Progress.NEVER)
        val after = loss().item()
        if (!quiet) {
            println("loss %.4f -> %.6f; learned p = %s (true: [-3, 1]); %.2f ms/iteration".format(
                before, after, physics.value(), result.millisPerIteration()))
        }
        return Result(before, after, physics.value().toDoubleArray(), result.millisPerIteration())
    }

    @JvmStatic
    fun main(args: Array<String>) {
        val iterations = args.indexOf("--iterations").let { if (it >= 0) args[it + 1].toInt() else 500 }
        println("Universal ODE: du1 = ann(u), du2 = p1·y + p2·x·y, fitted to Lotka–Volterra data")
        run(iterations)
    }
}
