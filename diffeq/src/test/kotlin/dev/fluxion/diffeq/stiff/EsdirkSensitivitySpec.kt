package dev.fluxion.diffeq.stiff

import dev.fluxion.autodiff.AD
import dev.fluxion.diffeq.OdeAlgorithm
import dev.fluxion.diffeq.OdeFunction
import dev.fluxion.diffeq.OdeProblem
import dev.fluxion.diffeq.SensitivityAlgorithm
import dev.fluxion.diffeq.SolveOptions
import dev.fluxion.diffeq.sensitivity.ForwardDuals
import dev.fluxion.diffeq.sensitivity.ForwardSensitivity
import dev.fluxion.diffeq.sensitivity.ReverseTape
import dev.fluxion.tensor.Tensor
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.doubles.shouldBeLessThan
import kotlin.math.abs
import kotlin.math.ln

/**
 * Gradients through the ESDIRK Newton solves: ReverseTape, ForwardDuals and ForwardSensitivity
 * (Newton on numbers, then one differentiable Newton step with the exact J from each converged
 * stage: the implicit-function-theorem derivative) agree with each other and with central differences.
 */
class EsdirkSensitivitySpec : FunSpec({
    val logRates = Tensor.of(ln(0.04), ln(3e7), ln(1e4))
    val weights = Tensor.of(1.0, 1e4, 1.0)
    fun loss(alg: OdeAlgorithm, q: Tensor, o: SolveOptions): Tensor =
        (StiffProblems.robertson(40.0, q.exp()).solve(alg, o).u() * weights).sum()

    for (alg in listOf<OdeAlgorithm>(KenCarp4(), TRBDF2())) {
        test("${alg.name()}: ReverseTape, ForwardDuals and ForwardSensitivity agree with each other and with central differences on Robertson") {
            val rtol = if (alg is TRBDF2) 1e-8 else 1e-9
            val o = SolveOptions.defaults().rtol(rtol).atol(rtol * 1e-4).saveat(1.0, 10.0, 40.0)
            val sens = listOf<SensitivityAlgorithm>(ReverseTape(), ForwardDuals(), ForwardSensitivity())
            val grads = sens.map { s -> AD.gradient({ q -> loss(alg, q, o.sensealg(s)) }, logRates).toDoubleArray() }
            val h = 1e-5
            val fd = DoubleArray(3) { i ->
                val e = DoubleArray(3).also { it[i] = h }
                (loss(alg, logRates + Tensor.of(*e), o).item() - loss(alg, logRates - Tensor.of(*e), o).item()) / (2 * h)
            }
            println("${alg.name()}: ReverseTape ${grads[0].toList()}, ForwardDuals ${grads[1].toList()}, " +
                "ForwardSensitivity ${grads[2].toList()}, central ${fd.toList()}")
            for (i in 0..2) {
                // the AD methods differentiate the same discrete steps: they agree to roundoff
                abs(grads[1][i] - grads[0][i]) shouldBeLessThan 1e-9 * maxOf(1.0, abs(grads[0][i]))
                abs(grads[2][i] - grads[0][i]) shouldBeLessThan 1e-9 * maxOf(1.0, abs(grads[0][i]))
                abs(grads[0][i] - fd[i]) shouldBeLessThan 1e-4 * maxOf(1.0, abs(fd[i]))
            }
        }
    }

    test("KenCarp4: a gradient with respect to u0 and p of a nonlinear stiff problem (van der Pol, μ = 100) matches central differences") {
        val vdp = OdeFunction { u, p, _ -> Tensor.stack(u[1], (u[0] * u[0] * -1.0 + 1.0) * u[1] * p[0] - u[0]) }
        val o = SolveOptions.defaults().rtol(1e-9).atol(1e-11).saveat(0.5, 1.0).sensealg(ReverseTape())
        fun l(x: Tensor, oo: SolveOptions = o): Tensor =
            OdeProblem(vdp, x.slice(0, 0, 2), 0.0, 1.0, x.slice(0, 2, 3)).solve(KenCarp4(), oo).u().sum()
        val x0 = Tensor.of(2.0, 0.0, 100.0)
        val g = AD.gradient({ x -> l(x) }, x0).toDoubleArray()
        val gd = AD.gradient({ x -> l(x, o.sensealg(ForwardDuals())) }, x0).toDoubleArray()
        val h = 1e-6
        for (i in 0..2) {
            val e = DoubleArray(3).also { it[i] = h * maxOf(1.0, abs(x0.toDoubleArray()[i])) }
            val fd = (l(x0 + Tensor.of(*e)).item() - l(x0 - Tensor.of(*e)).item()) / (2 * e[i])
            println("d loss / d x$i: tape %.8e, central %.8e".format(g[i], fd))
            abs(g[i] - fd) shouldBeLessThan 1e-4 * maxOf(1.0, abs(fd))
            abs(g[i] - gd[i]) shouldBeLessThan 1e-9 * maxOf(1.0, abs(g[i]))
        }
    }
})
