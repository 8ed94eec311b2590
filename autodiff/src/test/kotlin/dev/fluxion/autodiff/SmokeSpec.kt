package dev.fluxion.autodiff

import dev.fluxion.tensor.Tensor
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.doubles.plusOrMinus
import io.kotest.matchers.shouldBe

class SmokeSpec : FunSpec({
    test("gradient of sum of squares") {
        val x = Tensor.of(1.0, 2.0, 3.0)
        val g = AD.gradient({ q -> q.square().sum() }, x)
        g.toDoubleArray().toList() shouldBe listOf(2.0, 4.0, 6.0)
    }
    test("jacobian of tanh(W q) is diag(1 − y²) W") {
        val w = Tensor.of(arrayOf(doubleArrayOf(1.0, 2.0), doubleArrayOf(3.0, 4.0)))
        val q = Tensor.of(0.1, 0.2)
        val j = AD.jacobian({ x -> w.matmul(x).tanh() }, q)
        val y = w.matmul(q).tanh().toDoubleArray()
        val want = listOf(1.0, 2.0, 3.0, 4.0).mapIndexed { k, wk -> (1 - y[k / 2] * y[k / 2]) * wk }
        j.toDoubleArray().zip(want).forEach { (a, b) -> a shouldBe (b plusOrMinus 1e-15) }
    }
    test("hvp rosenbrock") {
        val f = { q: Tensor -> val x = q[0]; val y = q[1]; (x.rsub(1.0)).square().plus(y.minus(x.square()).square().times(100.0)) }
        val x = Tensor.of(1.5, -0.5)
        val hv = AD.hvp(f, x, Tensor.of(1.0, 0.0))
        // H = [[1200x^2 - 400y + 2, -400x], [-400x, 200]]
        hv[0].item() shouldBe ((1200 * 2.25 + 200 + 2).toDouble() plusOrMinus 1e-9)
        hv[1].item() shouldBe (-600.0 plusOrMinus 1e-9)
    }
    test("compiled function matches eager and differentiates") {
        val f = MultiTensorFunction { a -> val u = a[0]; val p = a[1]
            val x = u[0]; val y = u[1]
            Tensor.stack(p[0] * x - p[1] * x * y, -p[2] * y + p[3] * x * y) }
        val u = Tensor.of(1.0, 1.0); val p = Tensor.of(1.5, 1.0, 3.0, 1.0)
        val cf = Jit.compile(f, u, p)
        cf.apply(u, p).toDoubleArray().toList() shouldBe f.apply(arrayOf(u, p)).toDoubleArray().toList()
        val g1 = AD.gradient({ q -> cf.apply(u, q).square().sum() }, p)
        val g2 = AD.gradient({ q -> f.apply(arrayOf(u, q)).square().sum() }, p)
        g1.toDoubleArray().toList() shouldBe g2.toDoubleArray().toList()
        val j1 = AD.jacobian({ q -> cf.apply(u, q) }, p)
        val j2 = AD.jacobian({ q -> f.apply(arrayOf(u, q)) }, p)
        j1.toDoubleArray().toList() shouldBe j2.toDoubleArray().toList()
        val h1 = AD.hessian({ q -> cf.apply(u, q).square().sum() }, p)
        val h2 = AD.hessian({ q -> f.apply(arrayOf(u, q)).square().sum() }, p)
        h1.toDoubleArray().toList() shouldBe h2.toDoubleArray().toList()
    }
})
