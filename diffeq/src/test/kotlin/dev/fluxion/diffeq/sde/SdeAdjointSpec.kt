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

    test("an adjoint the SDE solve does not have is refused by name") {
        shouldThrow<UnsupportedOperationException> {
            AD.gradient({ q -> prob.remake(q).solve(EM(), SolveOptions.defaults().dt(0.01).seed(1).sensealg(InterpolatingAdjoint())).last().sum() }, p)
        }.message shouldContain "ReverseTape, ForwardDuals or BacksolveAdjoint"
    }
})
