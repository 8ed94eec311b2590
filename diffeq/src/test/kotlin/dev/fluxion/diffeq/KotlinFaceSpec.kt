package dev.fluxion.diffeq

import dev.fluxion.autodiff.gradient
import dev.fluxion.autodiff.gradients
import dev.fluxion.autodiff.hvp
import dev.fluxion.autodiff.jacobian
import dev.fluxion.autodiff.valueAndGradient
import dev.fluxion.diffeq.ode.Tsit5
import dev.fluxion.diffeq.sensitivity.InterpolatingAdjoint
import dev.fluxion.tensor.Tensor
import dev.fluxion.tensor.div
import dev.fluxion.tensor.minus
import dev.fluxion.tensor.mm
import dev.fluxion.tensor.tensorOf
import dev.fluxion.tensor.times
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.doubles.plusOrMinus
import io.kotest.matchers.shouldBe

/** The design card's Kotlin face: operators, trailing-lambda AD functions and the solve DSL. */
class KotlinFaceSpec : FunSpec({
    test("operators with scalars on either side, indexing, and infix matmul") {
        val u = tensorOf(1.0, 2.0)
        val w = Tensor.of(arrayOf(doubleArrayOf(1.0, 2.0), doubleArrayOf(3.0, 4.0)))
        (2.0 * u - 1.0 / u).toDoubleArray().toList() shouldBe listOf(1.0, 3.5)
        (w mm u).toDoubleArray().toList() shouldBe listOf(5.0, 11.0)
        (-u)[1].item() shouldBe -2.0
        w[1, 0].item() shouldBe 3.0
    }

    test("gradient(p) { q -> ... } and friends take trailing lambdas; valueAndGradient destructures") {
        val p = tensorOf(1.0, 2.0)
        gradient(p) { q -> (q * q).sum() }.toDoubleArray().toList() shouldBe listOf(2.0, 4.0)
        val (v, g) = valueAndGradient(p) { q -> (q * q).sum() }
        v.item() shouldBe 5.0
        g.toDoubleArray().toList() shouldBe listOf(2.0, 4.0)
        hvp(p, tensorOf(1.0, 0.0)) { q -> q.pow(3.0).sum() }.toDoubleArray().toList() shouldBe listOf(6.0, 0.0)
        jacobian(p) { q -> q * 3.0 }.toDoubleArray().toList() shouldBe listOf(3.0, 0.0, 0.0, 3.0)
        gradients(p, tensorOf(3.0)) { (a, b) -> (a * b).sum() }[1].item() shouldBe 3.0
    }

    test("solve(prob, alg) { saveat = 0.1; rtol = ...; sensealg = ... } inside a gradient") {
        val prob = odeProblem(tensorOf(1.0, 1.0), 0.0, 1.0, tensorOf(1.5, 1.0, 3.0, 1.0)) { u, p, _ ->
            Tensor.stack(p[0] * u[0] - p[1] * u[0] * u[1], -p[2] * u[1] + p[3] * u[0] * u[1])
        }
        val sol = solve(prob, Tsit5()) { saveat = 0.1; rtol = 1e-10; atol = 1e-10 }
        sol.t().size shouldBe 11
        val g1 = gradient(prob.p()) { q -> solve(prob.remake(q), Tsit5()) { saveat = 0.1; rtol = 1e-10; atol = 1e-10 }.u().sum() }
        val g2 = gradient(prob.p()) { q ->
            solve(prob.remake(q), Tsit5()) { saveat = 0.1; rtol = 1e-10; atol = 1e-10; sensealg = InterpolatingAdjoint() }.u().sum()
        }
        for (i in 0..3) g1[i].item() shouldBe (g2[i].item() plusOrMinus 1e-6 * Math.abs(g2[i].item()))
    }
})
