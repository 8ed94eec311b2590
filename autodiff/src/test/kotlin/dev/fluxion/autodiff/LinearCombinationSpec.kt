package dev.fluxion.autodiff

import dev.fluxion.tensor.Shape
import dev.fluxion.tensor.Tensor
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.property.Arb
import io.kotest.property.arbitrary.long
import io.kotest.property.checkAll
import kotlin.random.Random

/** The fused Σ c_i x_i that Runge–Kutta stages use: derivatives, value, one tape node. */
class LinearCombinationSpec : FunSpec({
    derivativeProperties(OpCatalog.linearCombination, seed = 606L, iterations = 8)

    val case = OpCatalog.linearCombination[0]

    test("linearCombination equals the unfused sum of scaled tensors") {
        checkAll(propConfig(607L, 20), case.arb()) { s ->
            val fused = Tensor.linearCombination(s.consts, *s.inputs.toTypedArray())
            val unfused = s.inputs.zip(s.consts.toList()).map { (x, c) -> x.times(c) }.reduce { a, b -> a.plus(b) }
            assertClose("fused vs unfused", fused, unfused, 1e-15)
        }
    }

    test("on tracked inputs it is one tape node however many tensors it combines") {
        checkAll(propConfig(608L, 10), case.arb()) { s ->
            val tape = Tape()
            val xs = s.inputs.map { tape.track(it) }
            val before = tape.size()
            Tensor.linearCombination(s.consts, *xs.toTypedArray())
            tape.size() shouldBe before + 1
            tape.close()
        }
    }

    test("gradients with respect to all inputs at once are c_i times the upstream cotangent, zeros for a zero coefficient") {
        checkAll(propConfig(609L, 10), case.arb(), Arb.long()) { s, seed ->
            val w = Gen.normal(Random(seed), s.inputs[0].shape())
            val g = AD.gradients({ a -> Tensor.linearCombination(s.consts, *a).times(w).sum() }, *s.inputs.toTypedArray())
            for (i in g.indices) {
                g[i].shape() shouldBe s.inputs[i].shape()
                assertClose("input $i", g[i], w.times(s.consts[i]), 1e-15)
            }
        }
    }

    test("forward lanes through a mix of dual and plain inputs equal the reverse Jacobian") {
        checkAll(propConfig(610L, 10), Arb.long()) { seed ->
            val r = Random(seed)
            val d = Gen.shape(r, 1)
            val a = Gen.uniform(r, d)
            val b = Gen.uniform(r, d)
            val c = doubleArrayOf(1.5, -0.5, 2.0)
            val f = TensorFunction { q -> Tensor.linearCombination(c, q, a, q.square()) }   // a is a plain constant
            val n = a.size()
            val jf = AD.jacobian(f, b, smallChunk(r, n))
            val jr = Array(n) { j -> AD.vjp(f, b, Tensor.of(Shape.of(*d), *DoubleArray(n).also { it[j] = 1.0 })).toDoubleArray() }
            assertClose("jacobian", jf.rows(n, n), jr, 1e-15)
            assertClose("diagonal", Tensor.of(*DoubleArray(n) { jr[it][it] }), b.times(4.0).plus(1.5).flatten(), 1e-15)
        }
    }

    test("all-zero coefficients give zeros, and no derivative") {
        val x = Tensor.of(1.0, 2.0)
        Tensor.linearCombination(doubleArrayOf(0.0, 0.0), x, x).toDoubleArray().toList() shouldBe listOf(0.0, 0.0)
        AD.gradient({ q -> Tensor.linearCombination(doubleArrayOf(0.0), q).sum() }, x).toDoubleArray().toList() shouldBe listOf(0.0, 0.0)
        AD.jvp({ q -> Tensor.linearCombination(doubleArrayOf(0.0), q) }, x, x).toDoubleArray().toList() shouldBe listOf(0.0, 0.0)
    }

    test("the coefficient array is copied: changing it afterwards changes neither value nor derivative") {
        val c = doubleArrayOf(2.0, 3.0)
        val x = Tensor.of(1.0)
        val f = TensorFunction { q -> Tensor.linearCombination(c, q, x) }
        val cf = Jit.compile({ a -> Tensor.linearCombination(c, a[0], x) }, x)
        val tape = Tape()
        val xt = tape.track(Tensor.of(5.0))
        val y = f.apply(xt)
        c[0] = 100.0
        tape.backward(y, Tensor.of(1.0), xt)[0].item() shouldBe 2.0
        tape.valueOf(y).item() shouldBe 13.0
        cf.apply(Tensor.of(5.0)).item() shouldBe 13.0
    }
})
