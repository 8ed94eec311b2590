package dev.fluxion.diffeq.sensitivity

import dev.fluxion.autodiff.AD
import dev.fluxion.diffeq.OdeProblem
import dev.fluxion.diffeq.Problems
import dev.fluxion.diffeq.SolveOptions
import dev.fluxion.diffeq.ode.Tsit5
import dev.fluxion.diffeq.ode.Vern9
import dev.fluxion.tensor.Tensor
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.doubles.shouldBeLessThan
import java.util.SplittableRandom

/**
 * A gradient through a network before the solve (producing p and u0) and a loss after it (on
 * sol.u()) agrees with central finite differences of the same loss, for every method.
 */
class NetworkGradientSpec : FunSpec({
    val rng = SplittableRandom(7)
    val theta0 = Tensor.randn(rng, 8 * 2 + 8 + 6 * 8 + 6).times(0.3)
    val x = Tensor.of(0.3, -0.2)

    /** θ → (u0, p) by a 2-8-6 tanh network, softplus to keep the LV state and rates positive. */
    fun network(theta: Tensor): Pair<Tensor, Tensor> {
        val w1 = theta.slice(0, 0, 16).reshape(8, 2)
        val b1 = theta.slice(0, 16, 24)
        val w2 = theta.slice(0, 24, 72).reshape(6, 8)
        val b2 = theta.slice(0, 72, 78)
        val out = (w2.matmul((w1.matmul(x) + b1).tanh()) + b2).softplus()
        return out.slice(0, 0, 2) to out.slice(0, 2, 6)
    }

    fun loss(theta: Tensor, opts: SolveOptions, alg: dev.fluxion.diffeq.OdeAlgorithm = Tsit5()): Tensor {
        val (u0, p) = network(theta)
        val sol = OdeProblem(Problems.lotkaVolterra, u0, 0.0, 5.0, p).solve(alg, opts)
        return (sol.u() - 1.0).square().sum()
    }

    val fdOpts = SolveOptions.defaults().saveat(0.5).rtol(1e-13).atol(1e-13)
    val directions = List(3) { Tensor.randn(rng, theta0.size()) }
    val eps = 1e-5
    val fd = directions.map { v ->
        (loss(theta0 + v * eps, fdOpts, Vern9()).item() - loss(theta0 - v * eps, fdOpts, Vern9()).item()) / (2 * eps)
    }

    for (s in allMethods) {
        test("$s: gradient through a network before the solve matches finite differences") {
            val opts = SolveOptions.defaults().saveat(0.5).rtol(1e-10).atol(1e-10).sensealg(s)
            val g = AD.gradient({ th -> loss(th, opts) }, theta0)
            for ((v, d) in directions.zip(fd)) {
                val ad = g.dot(v).item()
                Math.abs(ad - d) / maxOf(1.0, Math.abs(d)) shouldBeLessThan 1e-6
            }
        }
    }
})
