package dev.fluxion.diffeq

import dev.fluxion.autodiff.AD
import dev.fluxion.tensor.Tensor
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.doubles.shouldBeLessThan
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import kotlin.math.abs
import kotlin.math.cos

/** What implicit methods need from both state plans: exact Jacobians, ∂f/∂t, and W = c·M − J factored once, solved many times. */
class ImplicitPlanSpec : FunSpec({
    val p = Tensor.of(1.5, 1.0, 3.0, 1.0)
    val u = Tensor.of(0.7, 1.3)
    val term = OdeTerm.of(Problems.lotkaVolterra)
    fun flat(f: OdeTerm = term, q: Tensor = p, x: Tensor = u) = FlatStateOps.of(f.compiled(x, q)!!, q, x.shape())
    fun tensor(f: OdeTerm = term, q: Tensor = p, x: Tensor = u) = TensorStateOps(f::evaluate, q, x.shape())

    /** LV's Jacobian by hand. */
    fun lvJacobian(x: DoubleArray, q: DoubleArray) = doubleArrayOf(
        q[0] - q[1] * x[1], -q[1] * x[0],
        q[3] * x[1], -q[2] + q[3] * x[0])

    fun maxDiff(a: DoubleArray, b: DoubleArray) = a.indices.maxOf { abs(a[it] - b[it]) }

    test("J on the flat plan (compiled JVP lanes) and on the tensor plan (AD.jacobian) equal the analytic Jacobian") {
        val exact = lvJacobian(u.toDoubleArray(), p.toDoubleArray())
        maxDiff(flat().jacobian(u.toDoubleArray(), 0.3).values(), exact) shouldBeLessThan 1e-14
        maxDiff(tensor().jacobian(u, 0.3).values(), exact) shouldBeLessThan 1e-14
    }

    test("∂f/∂t of a non-autonomous f on both plans") {
        val forced = OdeTerm.of { x, q, t -> -x + q * t.sin() }
        val q = Tensor.of(2.0, -1.0)
        val expected = doubleArrayOf(2.0 * cos(0.4), -cos(0.4))
        maxDiff(flat(forced, q, u).timeDerivative(u.toDoubleArray(), 0.4), expected) shouldBeLessThan 1e-14
        maxDiff(tensor(forced, q, u).timeDerivative(u, 0.4).toDoubleArray(), expected) shouldBeLessThan 1e-14
    }

    test("W = c·M − J factored once solves several right-hand sides, the same on both plans") {
        val c = 7.0
        val mass = doubleArrayOf(1.0, 0.0, 0.0, 0.0)   // a singular mass matrix, as an index-1 DAE has
        for (m in listOf(null, mass)) {
            val wf = flat().jacobian(u.toDoubleArray(), 0.0).factorW(c, m)
            val wt = tensor().jacobian(u, 0.0).factorW(c, m)
            wf.singular() shouldBe false
            val j = lvJacobian(u.toDoubleArray(), p.toDoubleArray())
            val w = DoubleArray(4) { (if (m == null) (if (it == 0 || it == 3) 1.0 else 0.0) else m[it]) * c - j[it] }
            for (b in listOf(doubleArrayOf(1.0, 0.0), doubleArrayOf(-2.0, 5.0), doubleArrayOf(0.3, 0.4))) {
                val x = wf.solve(b)
                val residual = doubleArrayOf(w[0] * x[0] + w[1] * x[1] - b[0], w[2] * x[0] + w[3] * x[1] - b[1])
                residual.maxOf { abs(it) } shouldBeLessThan 1e-14
                maxDiff(wt.solve(Tensor.of(*b)).toDoubleArray(), x) shouldBeLessThan 1e-15
            }
        }
    }

    test("a stage solve on the tensor plan is differentiable with respect to p (J's derivatives flow into the solve)") {
        val b = Tensor.of(0.5, -1.0)
        fun stage(q: Tensor): Tensor = TensorStateOps(term::evaluate, q, u.shape()).jacobian(u, 0.0).factorW(3.0, null).solve(b).sum()
        val g = AD.gradient({ q -> stage(q) }, p).toDoubleArray()
        val h = 1e-6
        for (i in 0 until 4) {
            val e = DoubleArray(4).also { it[i] = h }
            val fd = (stage(p.plus(Tensor.of(*e))).item() - stage(p.minus(Tensor.of(*e))).item()) / (2 * h)
            abs(g[i] - fd) shouldBeLessThan 1e-7
        }
    }

    test("a singular W is reported, not solved into NaN silently; a mass matrix of the wrong size is named") {
        val zero = OdeTerm.of { x, _, _ -> x * 0.0 }
        flat(zero).jacobian(u.toDoubleArray(), 0.0).factorW(0.0, null).singular() shouldBe true
        tensor(zero).jacobian(u, 0.0).factorW(0.0, null).singular() shouldBe true
        shouldThrow<IllegalArgumentException> { flat().jacobian(u.toDoubleArray(), 0.0).factorW(1.0, DoubleArray(3)) }
            .message shouldContain "mass matrix"
    }
})
