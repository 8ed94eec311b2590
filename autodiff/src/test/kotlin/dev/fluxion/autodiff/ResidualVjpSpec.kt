package dev.fluxion.autodiff

import dev.fluxion.tensor.Shape
import dev.fluxion.tensor.Tensor
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.longs.shouldBeGreaterThan
import io.kotest.matchers.shouldBe
import io.kotest.property.Arb
import io.kotest.property.arbitrary.long
import io.kotest.property.checkAll
import kotlin.random.Random

/**
 * ResidualVjp: a compiled function applied on a tape saves the forward values its pullback reads
 * and the pullback takes them instead of recomputing; every gradient must equal eager AD's.
 */
class ResidualVjpSpec : FunSpec({
    val tol = 1e-13

    /** A batch [b, 2] through Dense(2, 16, tanh), Dense(16, 2) written with tensor ops; weights as explicit arguments. */
    fun mlp(xs: Array<Tensor>): Tensor {
        val (x, w1, b1, w2, b2) = xs
        val h = Tensor.matmul(x, false, w1, true).plus(b1).tanh()
        return Tensor.matmul(h, false, w2, true).plus(b2)
    }

    fun args(r: Random, b: Int) = arrayOf(
        Gen.uniform(r, intArrayOf(b, 2), -1.5, 1.5), Gen.uniform(r, intArrayOf(16, 2), -1.0, 1.0), Gen.uniform(r, intArrayOf(16)),
        Gen.uniform(r, intArrayOf(2, 16), -1.0, 1.0), Gen.uniform(r, intArrayOf(2)))

    test("a batched Dense-tanh-Dense: gradients through the residual pullback equal eager AD's and central differences; the tape keeps the residuals") {
        val r = Random(3L)
        val a = args(r, 64)   // h is [64, 16] = 1024 residual elements: over the threshold
        val eager = MultiTensorFunction { mlp(it) }
        val cf = Jit.compile(eager, *a)
        val w = Gen.normal(r, Shape.of(64, 2))
        for (i in a.indices) {
            val viaCompiled = TensorFunction { q -> cf.apply(*a.copyOf().also { it[i] = q }).times(w).sum() }
            val viaEager = TensorFunction { q -> eager.apply(a.copyOf().also { it[i] = q }).times(w).sum() }
            assertClose("gradient wrt argument $i", AD.gradient(viaCompiled, a[i]), AD.gradient(viaEager, a[i]), tol)
            assertClose("gradient wrt argument $i against central differences", arrayOf(AD.gradient(viaCompiled, a[i]).toDoubleArray()),
                FD.jacobian({ q -> viaEager.apply(q) }, a[i]), 1e-7)
        }
        val tape = Tape()
        try {
            cf.apply(tape.track(a[0]), a[1], a[2], a[3], a[4])
            // inputs (128 + 32 + 16 + 32 + 2) and output (128) alone are 338 doubles; the [64, 16] tanh values add 1024
            withClue("the residual is retained") { tape.retainedDoubles() shouldBeGreaterThan 1024L + 338 - 1 }
        } finally {
            tape.close()
        }
    }

    test("one function applied twice on a tape: each application keeps its own residuals") {
        val r = Random(5L)
        val a = args(r, 64)
        val x2 = Gen.uniform(r, intArrayOf(64, 2), -1.5, 1.5)
        val eager = MultiTensorFunction { mlp(it) }
        val cf = Jit.compile(eager, *a)
        fun loss(fn: MultiTensorFunction) = TensorFunction { w1 ->
            val y1 = fn.apply(arrayOf(a[0], w1, a[2], a[3], a[4]))
            val y2 = fn.apply(arrayOf(x2, w1, a[2], a[3], a[4]))
            y1.square().sum().plus(y2.times(y1).sum())
        }
        assertClose("two applications", AD.gradient(loss(MultiTensorFunction { cf.apply(*it) }), a[1]), AD.gradient(loss(eager), a[1]), tol)
    }

    test("forward-over-reverse (a Hessian-vector product) through the compiled batch equals eager") {
        val r = Random(9L)
        val a = args(r, 64)
        val eager = MultiTensorFunction { mlp(it) }
        val cf = Jit.compile(eager, *a)
        fun scalar(fn: MultiTensorFunction) = TensorFunction { q -> fn.apply(a.copyOf().also { it[1] = q }).square().sum() }
        val v = Gen.normal(r, Shape.of(16, 2))
        assertClose("hvp", AD.hvp(scalar(MultiTensorFunction { cf.apply(*it) }), a[1], v), AD.hvp(scalar(eager), a[1], v), 1e-12)
    }

    // Every op of the catalog split at any size (threshold 0): residual pullbacks equal eager VJPs.
    beforeSpec { ResidualVjp.minResidualElements = 0 }
    afterSpec { ResidualVjp.minResidualElements = 512 }
    for ((idx, c) in OpCatalog.all.withIndex()) {
        test("${c.name}: the compiled VJP through saved residuals equals eager AD") {
            checkAll(propConfig(9100L + idx, 2), c.arb(), Arb.long()) { s, seed ->
                withClue(s) {
                    val r = Random(seed)
                    val eager = MultiTensorFunction { xs -> c.f(xs.toList(), s.consts) }
                    val args = s.inputs.toTypedArray()
                    val cf = Jit.compile(eager, *args)
                    val y0 = eager.apply(args.clone())
                    for (i in c.inputsToDifferentiate(s)) {
                        val w = Gen.normal(r, y0.shape())
                        val viaCompiled = TensorFunction { q -> cf.apply(*args.copyOf().also { it[i] = q }) }
                        val viaEager = TensorFunction { q -> eager.apply(args.copyOf().also { it[i] = q }) }
                        assertClose("${c.name}: VJP wrt input $i", AD.vjp(viaCompiled, args[i], w), AD.vjp(viaEager, args[i], w), tol)
                    }
                }
            }
        }
    }
})
