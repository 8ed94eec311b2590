package dev.fluxion.diffeq.stiff

import dev.fluxion.autodiff.AD
import dev.fluxion.diffeq.OdeJacobian
import dev.fluxion.diffeq.SolveOptions
import dev.fluxion.diffeq.sensitivity.ForwardDuals
import dev.fluxion.tensor.Tensor
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.doubles.shouldBeLessThan
import io.kotest.matchers.ints.shouldBeGreaterThan
import io.kotest.matchers.string.shouldContain
import kotlin.math.abs
import kotlin.math.ln

/** A user-supplied Jacobian (prob.withJacobian) replaces the forward lanes, on both plans and under AD; a wrong shape is named. */
class UserJacobianSpec : FunSpec({
    var calls = 0
    /** Robertson's Jacobian by hand, in Tensor ops (so it carries derivatives of p). */
    val jac = OdeJacobian { u, p, _ ->
        calls++
        val y1 = u[0]
        val y2 = u[1]
        val y3 = u[2]
        val zero = y1 * 0.0
        Tensor.stack(
            Tensor.stack(-p[0], p[2] * y3, p[2] * y2),
            Tensor.stack(p[0], -p[2] * y3 - p[1] * y2 * 2.0, -p[2] * y2),
            Tensor.stack(zero, p[1] * y2 * 2.0, zero))
    }

    test("Robertson with the hand-written Jacobian gives the automatic Jacobian's solution, on both plans") {
        for (compile in listOf(true, false)) {
            val o = SolveOptions.defaults().rtol(1e-8).atol(1e-12).saveat(1.0, 100.0, 1e4).compile(compile)
            calls = 0
            val a = StiffProblems.robertson(1e4).withJacobian(jac).solve(Rodas5P(), o).u().toDoubleArray()
            calls shouldBeGreaterThan 10
            val b = StiffProblems.robertson(1e4).solve(Rodas5P(), o).u().toDoubleArray()
            a.indices.maxOf { abs(a[it] - b[it]) / (abs(b[it]) + 1e-14) } shouldBeLessThan 1e-9
        }
    }

    test("gradients through the user Jacobian (ForwardDuals lanes ride through it) match the automatic ones") {
        val q0 = Tensor.of(ln(0.04), ln(3e7), ln(1e4))
        val o = SolveOptions.defaults().rtol(1e-9).atol(1e-13).saveat(10.0, 40.0).sensealg(ForwardDuals())
        val w = Tensor.of(1.0, 1e4, 1.0)
        val a = AD.gradient({ q -> (StiffProblems.robertson(40.0, q.exp()).withJacobian(jac).solve(Rodas5P(), o).u() * w).sum() }, q0).toDoubleArray()
        val b = AD.gradient({ q -> (StiffProblems.robertson(40.0, q.exp()).solve(Rodas5P(), o).u() * w).sum() }, q0).toDoubleArray()
        for (i in 0..2) abs(a[i] - b[i]) shouldBeLessThan 1e-8 * maxOf(1.0, abs(b[i]))
    }

    test("a Jacobian of the wrong shape is a named error on both plans") {
        val bad = OdeJacobian { u, _, _ -> Tensor.zeros(3, 2) + u[0] }
        for (compile in listOf(true, false)) {
            shouldThrow<IllegalArgumentException> {
                StiffProblems.robertson(1.0).withJacobian(bad).solve(Rodas5P(), SolveOptions.defaults().compile(compile))
            }.message shouldContain "Jacobian"
        }
    }
})
