package dev.fluxion.autodiff

import dev.fluxion.tensor.Tensor
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.property.Arb
import io.kotest.property.arbitrary.int
import io.kotest.property.arbitrary.long
import io.kotest.property.checkAll
import kotlin.random.Random

/** n-dimensional Rosenbrock: Σ_{i<n−1} 100 (x_{i+1} − x_i²)² + (1 − x_i)², in Tensor ops. */
fun rosenbrock(x: Tensor): Tensor {
    val n = x.dim(0)
    val head = x.slice(0, 0, n - 1)
    val tail = x.slice(0, 1, n)
    return tail.minus(head.square()).square().times(100.0).plus(head.rsub(1.0).square()).sum()
}

/** Its gradient, by hand. */
fun rosenbrockGradient(x: DoubleArray): DoubleArray {
    val n = x.size
    val g = DoubleArray(n)
    for (i in 0 until n - 1) {
        val d = x[i + 1] - x[i] * x[i]
        g[i] += -400.0 * x[i] * d - 2.0 * (1.0 - x[i])
        g[i + 1] += 200.0 * d
    }
    return g
}

/** Its Hessian, by hand: tridiagonal. */
fun rosenbrockHessian(x: DoubleArray): Array<DoubleArray> {
    val n = x.size
    val h = Array(n) { DoubleArray(n) }
    for (i in 0 until n - 1) {
        h[i][i] += 1200.0 * x[i] * x[i] - 400.0 * x[i + 1] + 2.0
        h[i + 1][i + 1] += 200.0
        h[i][i + 1] += -400.0 * x[i]
        h[i + 1][i] += -400.0 * x[i]
    }
    return h
}

fun matVec(a: Array<DoubleArray>, v: DoubleArray) = DoubleArray(a.size) { i -> a[i].indices.sumOf { a[i][it] * v[it] } }

private val point = Arb.int(2, 9)

class NestedModesSpec : FunSpec({
    test("gradient of n-dimensional Rosenbrock equals the analytic gradient") {
        checkAll(propConfig(1L, 10), point, Arb.long()) { n, seed ->
            val x = Gen.uniform(Random(seed), intArrayOf(n))
            assertClose("gradient", AD.gradient(::rosenbrock, x), Tensor.of(*rosenbrockGradient(x.toDoubleArray())), 1e-12)
        }
    }

    test("hvp (forward over reverse) of n-dimensional Rosenbrock equals the analytic Hessian times v") {
        checkAll(propConfig(2L, 10), point, Arb.long()) { n, seed ->
            val r = Random(seed)
            val x = Gen.uniform(r, intArrayOf(n))
            val v = Gen.normal(r, x.shape())
            val want = Tensor.of(*matVec(rosenbrockHessian(x.toDoubleArray()), v.toDoubleArray()))
            assertClose("hvp", AD.hvp(::rosenbrock, x, v), want, 1e-12)
        }
    }

    test("AD.hessian of n-dimensional Rosenbrock equals the analytic Hessian") {
        checkAll(propConfig(3L, 10), point, Arb.long()) { n, seed ->
            val x = Gen.uniform(Random(seed), intArrayOf(n))
            val h = AD.hessian(::rosenbrock, x)
            h.shape() shouldBe dev.fluxion.tensor.Shape.of(n, n)
            assertClose("hessian", h.rows(n, n), rosenbrockHessian(x.toDoubleArray()), 1e-12)
        }
    }

    test("the Hessian by reverse over reverse (one gradient of a gradient per row) equals the analytic Hessian") {
        checkAll(propConfig(4L, 6), point, Arb.long()) { n, seed ->
            val x = Gen.uniform(Random(seed), intArrayOf(n))
            val rows = Array(n) { i -> AD.gradient({ q -> AD.gradient(::rosenbrock, q)[i] }, x).toDoubleArray() }
            assertClose("hessian", rows, rosenbrockHessian(x.toDoubleArray()), 1e-12)
        }
    }

    test("d/dx ‖∇f(x)‖² (a gradient of a function that calls AD.gradient) equals 2 H ∇f") {
        checkAll(propConfig(5L, 10), point, Arb.long()) { n, seed ->
            val x = Gen.uniform(Random(seed), intArrayOf(n))
            val g = rosenbrockGradient(x.toDoubleArray())
            val want = matVec(rosenbrockHessian(x.toDoubleArray()), g).map { 2 * it }.toDoubleArray()
            val got = AD.gradient({ q -> AD.gradient(::rosenbrock, q).square().sum() }, x)
            assertClose("d‖∇f‖²", got, Tensor.of(*want), 1e-12)
        }
    }

    test("reverse over forward: the gradient of x ↦ ⟨w, J(x) v⟩ for f = tanh(A x) equals Aᵀ[w ∘ (A v) ∘ (−2 y (1 − y²))]") {
        checkAll(propConfig(6L, 10), Arb.int(1, 5), Arb.int(1, 5), Arb.long()) { m, n, seed ->
            val r = Random(seed)
            val a = Gen.uniform(r, intArrayOf(m, n))
            val x = Gen.uniform(r, intArrayOf(n), -1.0, 1.0)
            val v = Gen.normal(r, x.shape())
            val w = Gen.normal(r, dev.fluxion.tensor.Shape.of(m))
            val f = TensorFunction { q -> a.matmul(q).tanh() }
            val got = AD.gradient({ q -> AD.jvp(f, q, v).times(w).sum() }, x)
            val y = a.matmul(x).tanh()
            val inner = w.times(a.matmul(v)).times(y.times(-2.0).times(y.square().rsub(1.0)))
            assertClose("reverse over forward", got, a.transpose().matmul(inner), 1e-12)
        }
    }

    test("forward over forward: the jvp of a jvp of Rosenbrock is uᵀ H v") {
        checkAll(propConfig(7L, 10), point, Arb.long()) { n, seed ->
            val r = Random(seed)
            val x = Gen.uniform(r, intArrayOf(n))
            val u = Gen.normal(r, x.shape())
            val v = Gen.normal(r, x.shape())
            val got = AD.jvp({ q -> AD.jvp(::rosenbrock, q, v) }, x, u).item()
            val want = u.toDoubleArray().zip(matVec(rosenbrockHessian(x.toDoubleArray()), v.toDoubleArray())).sumOf { it.first * it.second }
            assertClose("uᵀHv", got, want, 1e-12)
        }
    }

    test("third order: the jvp of an hvp of Σ x⁴ is 24 x ∘ u ∘ v") {
        checkAll(propConfig(8L, 10), point, Arb.long()) { n, seed ->
            val r = Random(seed)
            val x = Gen.uniform(r, intArrayOf(n))
            val u = Gen.normal(r, x.shape())
            val v = Gen.normal(r, x.shape())
            val got = AD.jvp({ q -> AD.hvp({ z -> z.pow(4.0).sum() }, q, v) }, x, u)
            assertClose("third derivative", got, x.times(u).times(v).times(24.0), 1e-12)
        }
    }

    test("gradient of a function that calls AD.jacobian with K > 1 lanes equals the analytic result") {
        // F(x) = Σ_ij J_ij² for f = x ⊙ sin(x) (J diagonal, J_ii = sin x_i + x_i cos x_i): dF/dx_i = 2 J_ii (2 cos x_i − x_i sin x_i)
        checkAll(propConfig(9L, 10), point, Arb.long()) { n, seed ->
            val x = Gen.uniform(Random(seed), intArrayOf(n))
            val got = AD.gradient({ q -> AD.jacobian({ z -> z.times(z.sin()) }, q, 2).square().sum() }, x)
            val jd = x.sin().plus(x.times(x.cos()))
            val want = jd.times(2.0).times(x.cos().times(2.0).minus(x.times(x.sin())))
            assertClose("gradient of a Jacobian", got, want, 1e-12)
        }
    }

    test("a value that escaped an inner AD call and is returned unchanged keeps the outer level's derivatives") {
        // f stashes z ⊙ q from inside an inner gradient and returns it as is: d/dq (1 ⊙ q) = I.
        val z0 = Tensor.of(1.0, 1.0)
        fun escaped(q: Tensor, inner: (TensorFunction) -> Unit): Tensor {
            var leak: Tensor? = null
            inner(TensorFunction { z -> leak = z.times(q); z.sum() })
            return leak!!
        }
        val viaGradient = TensorFunction { q -> escaped(q) { f -> AD.gradient(f, z0) } }
        val viaJvp = TensorFunction { q -> escaped(q) { f -> AD.jvp(f, z0, z0) } }
        val x = Tensor.of(2.0, 3.0)
        AD.jvp(viaGradient, x, Tensor.of(1.0, -1.0)).toDoubleArray().toList() shouldBe listOf(1.0, -1.0)
        AD.jacobian(viaGradient, x).toDoubleArray().toList() shouldBe listOf(1.0, 0.0, 0.0, 1.0)
        AD.vjp(viaJvp, x, Tensor.of(1.0, -1.0)).toDoubleArray().toList() shouldBe listOf(1.0, -1.0)
        AD.vjp(viaGradient, x, Tensor.of(1.0, -1.0)).toDoubleArray().toList() shouldBe listOf(1.0, -1.0)
        AD.jacobian({ q -> AD.checkpoint(viaGradient, q) }, x).toDoubleArray().toList() shouldBe listOf(1.0, 0.0, 0.0, 1.0)
        val cf = Jit.compile({ a -> viaGradient.apply(a[0]) }, x)
        cf.apply(Tensor.of(5.0, 7.0)).toDoubleArray().toList() shouldBe listOf(5.0, 7.0)
    }

    test("no perturbation confusion, forward: d/dx [x · d/dy (x + y)] = 1 (Siskind & Pearlmutter)") {
        val one = Tensor.of(1.0)
        val got = AD.jvp({ x -> x.times(AD.jvp({ y -> x.plus(y) }, Tensor.of(2.0), one)) }, Tensor.of(1.0), one)
        got.item() shouldBe 1.0
    }

    test("no perturbation confusion, reverse: d/dx [x · d/dy (x y)] = 2x") {
        checkAll(propConfig(10L, 5), Arb.long()) { seed ->
            val x = Gen.uniform(Random(seed), intArrayOf(3))
            val got = AD.gradient({ q -> q.times(AD.gradient({ y -> q.times(y).sum() }, Tensor.of(0.5, -1.0, 2.0))).sum() }, x)
            assertClose("2x", got, x.times(2.0), 1e-15)
        }
    }

    test("no perturbation confusion, mixed: d/dx of the jvp in y of x·y is 1, and the inner jvp sees x as a constant") {
        val got = AD.gradient({ x -> AD.jvp({ y -> x.times(y) }, Tensor.of(3.0), Tensor.of(1.0)).sum() }, Tensor.of(5.0))
        got.item() shouldBe 1.0
    }
})
