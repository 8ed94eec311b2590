package dev.fluxion.diffeq.stiff

import dev.fluxion.autodiff.AD
import dev.fluxion.diffeq.OdeAlgorithm
import dev.fluxion.diffeq.SensitivityAlgorithm
import dev.fluxion.diffeq.SolveOptions
import dev.fluxion.diffeq.sensitivity.ForwardDuals
import dev.fluxion.diffeq.sensitivity.ReverseTape
import dev.fluxion.tensor.Tensor
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.doubles.shouldBeLessThan
import kotlin.math.abs
import kotlin.math.ln

/** Gradients through stiff solves: ForwardDuals (lanes on dual tensors through J and the LU solves) and ReverseTape agree with each other and with central differences. */
class StiffSensitivitySpec : FunSpec({
    val logRates = Tensor.of(ln(0.04), ln(3e7), ln(1e4))
    val weights = Tensor.of(1.0, 1e4, 1.0)
    fun loss(alg: OdeAlgorithm, q: Tensor, o: SolveOptions): Tensor =
        (StiffProblems.robertson(40.0, q.exp()).solve(alg, o).u() * weights).sum()

    val methods = listOf<OdeAlgorithm>(Rosenbrock23(), Rodas4(), Rodas5P())
    for (alg in methods) {
        test("${alg.name()}: ForwardDuals and ReverseTape agree with each other and with central differences on Robertson") {
            val rtol = if (alg is Rosenbrock23) 1e-9 else 1e-10
            val o = SolveOptions.defaults().rtol(rtol).atol(rtol * 1e-4).saveat(1.0, 10.0, 40.0)
            val sens = listOf<SensitivityAlgorithm>(ForwardDuals(), ReverseTape())
            val grads = sens.map { s -> AD.gradient({ q -> loss(alg, q, o.sensealg(s)) }, logRates).toDoubleArray() }
            val h = 1e-5
            val fd = DoubleArray(3) { i ->
                val e = DoubleArray(3).also { it[i] = h }
                (loss(alg, logRates + Tensor.of(*e), o).item() - loss(alg, logRates - Tensor.of(*e), o).item()) / (2 * h)
            }
            println("${alg.name()}: ForwardDuals ${grads[0].toList()}, ReverseTape ${grads[1].toList()}, central ${fd.toList()}")
            for (i in 0..2) {
                // the two AD methods differentiate the same discrete steps: they agree to roundoff
                abs(grads[0][i] - grads[1][i]) shouldBeLessThan 1e-9 * maxOf(1.0, abs(grads[1][i]))
                abs(grads[0][i] - fd[i]) shouldBeLessThan 1e-4 * maxOf(1.0, abs(fd[i]))
            }
        }
    }

    test("the default sensitivity of a stiff solve works (ForwardDuals on dual tensors) and matches ReverseTape") {
        val o = SolveOptions.defaults().rtol(1e-8).atol(1e-12).saveat(10.0, 40.0)
        val gDefault = AD.gradient({ q -> loss(Rodas5P(), q, o) }, logRates).toDoubleArray()
        val gTape = AD.gradient({ q -> loss(Rodas5P(), q, o.sensealg(ReverseTape())) }, logRates).toDoubleArray()
        for (i in 0..2) abs(gDefault[i] - gTape[i]) shouldBeLessThan 1e-9 * maxOf(1.0, abs(gTape[i]))
    }

    test("ForwardSensitivity through Rodas5P matches ReverseTape (its lanes ride on dual tensors, steered by the primal)") {
        val o = SolveOptions.defaults().rtol(1e-8).atol(1e-12).saveat(10.0, 40.0)
        val a = AD.gradient({ q -> loss(Rodas5P(), q, o.sensealg(dev.fluxion.diffeq.sensitivity.ForwardSensitivity())) }, logRates).toDoubleArray()
        val b = AD.gradient({ q -> loss(Rodas5P(), q, o.sensealg(ReverseTape())) }, logRates).toDoubleArray()
        for (i in 0..2) abs(a[i] - b[i]) shouldBeLessThan 1e-9 * maxOf(1.0, abs(b[i]))
    }

    test("a gradient through the DAE form by ForwardDuals matches ReverseTape") {
        val m = Tensor.of(arrayOf(doubleArrayOf(1.0, 0.0, 0.0), doubleArrayOf(0.0, 1.0, 0.0), doubleArrayOf(0.0, 0.0, 0.0)))
        val dae = dev.fluxion.diffeq.OdeFunction { u, p, _ ->
            Tensor.stack(-p[0] * u[0] + p[2] * u[1] * u[2], p[0] * u[0] - p[2] * u[1] * u[2] - p[1] * u[1] * u[1], u[0] + u[1] + u[2] - 1.0)
        }
        val o = SolveOptions.defaults().rtol(1e-9).atol(1e-13).saveat(1.0, 10.0)
        fun l(q: Tensor, s: SensitivityAlgorithm) = (dev.fluxion.diffeq.OdeProblem(dae, Tensor.of(1.0, 0.0, 0.0), 0.0, 10.0, q.exp())
            .withMassMatrix(m).solve(Rodas5P(), o.sensealg(s)).u() * weights).sum()
        val a = AD.gradient({ q -> l(q, ForwardDuals()) }, logRates).toDoubleArray()
        val b = AD.gradient({ q -> l(q, ReverseTape()) }, logRates).toDoubleArray()
        for (i in 0..2) abs(a[i] - b[i]) shouldBeLessThan 1e-9 * maxOf(1.0, abs(b[i]))
    }
})
