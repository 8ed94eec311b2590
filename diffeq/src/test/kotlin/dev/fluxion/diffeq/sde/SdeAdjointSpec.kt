package dev.fluxion.diffeq.sde

import dev.fluxion.autodiff.AD
import dev.fluxion.diffeq.OdeFunction
import dev.fluxion.diffeq.SolveOptions
import dev.fluxion.diffeq.sensitivity.BacksolveAdjoint
import dev.fluxion.diffeq.sensitivity.InterpolatingAdjoint
import dev.fluxion.diffeq.sensitivity.ReverseTape
import dev.fluxion.tensor.Tensor
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.doubles.shouldBeLessThan
import io.kotest.matchers.shouldNotBe
import io.kotest.matchers.string.shouldContain
import kotlin.math.abs
import kotlin.math.max

/**
 * The stochastic adjoint (BacksolveAdjoint on an SDE: Li et al. 2020's Stratonovich adjoint on the
 * replayed path) against ReverseTape on the same path. ReverseTape is the exact derivative of the
 * discrete forward solve and the adjoint a discretisation of the continuous one, so they agree up to
 * both solves' errors: within 1 % with fine fixed steps, for an Itô method (drift-corrected) and a
 * Stratonovich one, for d/dp and d/du0.
 */
class SdeAdjointSpec : FunSpec({
    val lv = OdeFunction { u, p, _ ->
        Tensor.stack(p[0] * u[0] - p[1] * u[0] * u[1], p[3] * u[0] * u[1] - p[2] * u[1])
    }
    val u0 = Tensor.of(1.0, 1.0)
    val p = Tensor.of(1.5, 1.0, 3.0, 1.0)
    val prob = SdeProblem(lv, { u, _, _ -> u.times(0.1) }, u0, 0.0, 1.0, p)

    fun rel(a: DoubleArray, b: DoubleArray): Double = a.indices.maxOf { abs(a[it] - b[it]) / max(1.0, abs(b[it])) }

    for (alg in listOf<SdeAlgorithm>(EM(), EulerHeun())) {
        test("${alg.name()} (${if (alg.stratonovich()) "Stratonovich" else "Itô, drift-corrected"}): BacksolveAdjoint agrees with ReverseTape on the same path within 1 %") {
            val o = SolveOptions.defaults().dt(1e-3).saveat(0.1).seed(21)
            val loss = { q: Tensor, x: Tensor, s: dev.fluxion.diffeq.SensitivityAlgorithm ->
                prob.remake(q).withU0(x).solve(alg, o.sensealg(s)).u().minus(1.0).square().sum()
            }
            val tape = AD.gradient({ q -> loss(q, u0, ReverseTape()) }, p).toDoubleArray()
            val adj = AD.gradient({ q -> loss(q, u0, BacksolveAdjoint()) }, p).toDoubleArray()
            println("${alg.name()}: tape ${tape.toList()}, adjoint ${adj.toList()}")
            rel(adj, tape) shouldBeLessThan 0.01 * tape.maxOf { abs(it) }
            val tu = AD.gradient({ x -> loss(p, x, ReverseTape()) }, u0).toDoubleArray()
            val au = AD.gradient({ x -> loss(p, x, BacksolveAdjoint()) }, u0).toDoubleArray()
            rel(au, tu) shouldBeLessThan 0.01 * tu.maxOf { abs(it) }
        }
    }

    // The backward solve runs the increment's compiled value-and-VJP program (SdeAdjointIncrement); the
    // eager tape per evaluation is the reference it must reproduce, for every noise form and with a
    // diffusion that couples components and reads p (so the Itô correction's second derivatives and
    // ∂σ/∂θ both count).
    val coupled = SdeProblem(lv, { u, q, _ -> Tensor.stack(u[0].times(q[1]).times(0.1), u[0].times(u[1]).times(0.05)) }, u0, 0.0, 1.0, p)
    val scalar = SdeProblem(lv, { u, q, _ -> u.times(u.sum()).times(q[1]).times(0.05) }, u0, 0.0, 1.0, p).withNoise(NoiseKind.SCALAR)
    val general = SdeProblem(lv, { u, q, _ ->
        Tensor.stack(u[0].times(0.1), u[1].times(q[1]).times(0.05), u[0].times(u[1]).times(0.02), u[1].times(0.1)).reshape(2, 2)
    }, u0, 0.0, 1.0, p).withNoise(NoiseKind.GENERAL, 2)
    for ((label, pr) in listOf("diagonal" to coupled, "scalar" to scalar, "general" to general)) {
        for (alg in listOf<SdeAlgorithm>(EM(), EulerHeun())) {
            test("$label noise, ${alg.name()}: the compiled backward solve reproduces the eager one (d/dp and d/du0)") {
                SdeAdjointIncrement.compiled(pr.driftTerm(), pr.diffusionTerm(), alg.stratonovich(), u0, p, pr.diffusionTerm().channels(2)) shouldNotBe null
                val o = SolveOptions.defaults().dt(1e-2).saveat(0.1).seed(5).sensealg(BacksolveAdjoint())
                val grads = { ->
                    val gp = AD.gradient({ q -> pr.remake(q).solve(alg, o).u().minus(1.0).square().sum() }, p).toDoubleArray()
                    val gu = AD.gradient({ x -> pr.withU0(x).solve(alg, o).u().minus(1.0).square().sum() }, u0).toDoubleArray()
                    gp + gu
                }
                val compiled = grads()
                SdeAdjoint.forceEager = true
                val eager = try { grads() } finally { SdeAdjoint.forceEager = false }
                rel(compiled, eager) shouldBeLessThan 1e-10 * max(1.0, eager.maxOf { abs(it) })
            }
        }
    }

    test("an adjoint the SDE solve does not have is refused by name") {
        shouldThrow<UnsupportedOperationException> {
            AD.gradient({ q -> prob.remake(q).solve(EM(), SolveOptions.defaults().dt(0.01).seed(1).sensealg(InterpolatingAdjoint())).last().sum() }, p)
        }.message shouldContain "ReverseTape, ForwardDuals or BacksolveAdjoint"
    }
})
