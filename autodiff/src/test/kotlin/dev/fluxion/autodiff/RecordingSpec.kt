package dev.fluxion.autodiff

import dev.fluxion.tensor.Tensor
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.ints.shouldBeLessThan
import io.kotest.matchers.shouldBe
import io.kotest.property.Arb
import io.kotest.property.arbitrary.long
import io.kotest.property.checkAll
import kotlin.random.Random

/** Ten tanh layers with a shared weight matrix: a function with a long tape. */
private fun deep(w: Tensor, x: Tensor): Tensor {
    var h = x
    repeat(10) { h = w.matmul(h).tanh().plus(h.times(0.5)) }
    return h
}

class RecordingSpec : FunSpec({
    test("ops on tensors that do not depend on the input return plain tensors and add nothing to the tape") {
        val tape = Tape()
        val x = tape.track(Tensor.of(1.0, 2.0, 3.0))
        val size0 = tape.size()
        val c = Tensor.of(0.5, 0.25, 2.0)
        val plain = listOf(
            c.times(2.0).exp(), c.plus(c), c.matmul(c), c.sum(), c.max(), Tensor.stack(c, c), c.slice(0, 1, 3),
            Tensor.linearCombination(doubleArrayOf(1.0, 2.0), c, c), Tensor.where(c.gt(1.0), c, c.square()),
        )
        for (t in plain) t.isPrimal() shouldBe true
        tape.size() shouldBe size0
        val y = x.times(c).sum()
        tape.size() shouldBe size0 + 2
        tape.records(y) shouldBe true
        tape.records(c) shouldBe false
        tape.backward(y, Tensor.scalar(1.0), x)[0].toDoubleArray().toList() shouldBe c.toDoubleArray().toList()
        tape.close()
    }

    test("inside AD.gradient, ops on constants return plain tensors and comparisons record nothing") {
        var constantIsPrimal = false
        var comparisonIsPrimal = false
        AD.gradient({ q ->
            constantIsPrimal = Tensor.of(1.0, 2.0).square().sum().isPrimal()
            comparisonIsPrimal = q.gt(0.0).isPrimal()
            q.sum()
        }, Tensor.of(1.0, -1.0))
        constantIsPrimal shouldBe true
        comparisonIsPrimal shouldBe true
    }

    test("noGrad stops recording: results are plain, the tape does not grow, and no gradient flows through them") {
        val tape = Tape()
        val x = tape.track(Tensor.of(1.0, 2.0))
        val size0 = tape.size()
        val z = AD.noGrad { x.square().exp() }
        z.isPrimal() shouldBe true
        tape.size() shouldBe size0
        val y = z.plus(x).sum()
        tape.backward(y, Tensor.scalar(1.0), x)[0].toDoubleArray().toList() shouldBe listOf(1.0, 1.0)
        tape.close()
        // nested no-grad scopes restore recording when the outer one ends
        AD.gradient({ q -> AD.noGrad { AD.noGrad { q.square() }.sum() }.plus(q.square().sum()) }, Tensor.of(3.0)).item() shouldBe 6.0
    }

    test("noGrad leaves forward lanes alone: a jvp inside noGrad still propagates tangents") {
        AD.noGrad { AD.jvp({ q -> q.square() }, Tensor.of(3.0), Tensor.of(1.0)) }.item() shouldBe 6.0
    }

    test("detach cuts gradients in every mode and returns the same value") {
        checkAll(propConfig(21L, 5), Arb.long()) { seed ->
            val x = Gen.uniform(Random(seed), intArrayOf(4))
            val f = TensorFunction { q -> q.detach().times(q).sum() }   // d/dx = detach(x), not 2x
            assertClose("reverse", AD.gradient(f, x), x, 1e-15)
            assertClose("forward", AD.jvp({ q -> q.detach().times(q) }, x, Tensor.ones(4)), x, 1e-15)
            assertClose("AD.detach", AD.gradient({ q -> AD.detach(q).sum().plus(q.sum()) }, x), Tensor.ones(4), 1e-15)
            assertClose("value", AD.valueAndGradient(f, x).value(), x.square().sum(), 1e-15)
        }
        val c = Tensor.of(1.0)
        (c.detach() === c) shouldBe true
    }

    test("checkpoint gives the same gradient, Jacobian and hvp as no checkpoint, while the outer tape holds fewer entries") {
        checkAll(propConfig(22L, 5), Arb.long()) { seed ->
            val r = Random(seed)
            val w = Gen.uniform(r, intArrayOf(3, 3), -0.5, 0.5)
            val x0 = Gen.uniform(r, intArrayOf(3))
            val v = Gen.normal(r, x0.shape())

            val plain = Tape()
            val xp = plain.track(x0)
            val yp = deep(w, xp).sum()
            val gp = plain.backward(yp, Tensor.scalar(1.0), xp)[0]

            val ckpt = Tape()
            val xc = ckpt.track(x0)
            val yc = AD.checkpoint(TensorFunction { q -> deep(w, q) }, xc).sum()
            val gc = ckpt.backward(yc, Tensor.scalar(1.0), xc)[0]

            assertClose("checkpointed gradient", gc, gp, 1e-14)
            ckpt.size() shouldBeLessThan plain.size()
            ckpt.size() shouldBe 3   // the leaf, the checkpoint, the sum

            val f = TensorFunction { q -> deep(w, q).square().sum() }
            val fc = TensorFunction { q -> AD.checkpoint(TensorFunction { z -> deep(w, z) }, q).square().sum() }
            assertClose("hvp through checkpoint", AD.hvp(fc, x0, v), AD.hvp(f, x0, v), 1e-13)
            assertClose("jacobian through checkpoint", AD.jacobian({ q -> AD.checkpoint(TensorFunction { z -> deep(w, z) }, q) }, x0, 2),
                AD.jacobian({ q -> deep(w, q) }, x0, 2), 1e-14)
            // several arguments: gradient with respect to both
            val g2 = AD.gradients({ a -> AD.checkpointAll({ b -> deep(b[0], b[1]) }, a[0], a[1]).sum() }, w, x0)
            val g2ref = AD.gradients({ a -> deep(a[0], a[1]).sum() }, w, x0)
            assertClose("checkpoint wrt W", g2[0], g2ref[0], 1e-14)
            assertClose("checkpoint wrt x", g2[1], g2ref[1], 1e-14)
        }
    }

    test("a tracked tensor that escapes its AD call acts as a constant afterwards") {
        var leaked: Tensor? = null
        AD.gradient({ q -> leaked = q.square(); q.sum() }, Tensor.of(2.0))
        val later = leaked!!.times(3.0)
        later.isPrimal() shouldBe true
        later.item() shouldBe 12.0
        // used inside a new gradient it is a constant: d/dx (leaked · x) = leaked
        AD.gradient({ q -> leaked!!.times(q).sum() }, Tensor.of(5.0)).item() shouldBe 4.0
    }

    test("valueAndGradient returns the plain value and the gradient from one pass") {
        val (value, grad) = AD.valueAndGradient({ q -> q.square().sum() }, Tensor.of(1.0, 2.0))
        value.isPrimal() shouldBe true
        value.item() shouldBe 5.0
        grad.toDoubleArray().toList() shouldBe listOf(2.0, 4.0)
    }

    test("the gradient with respect to an input the function ignores is zeros of the input's shape") {
        val g = AD.gradients({ a -> a[0].sum() }, Tensor.ones(2), Tensor.ones(3, 2))
        g[1].shape() shouldBe dev.fluxion.tensor.Shape.of(3, 2)
        g[1].toDoubleArray().all { it == 0.0 } shouldBe true
        AD.gradient({ _ -> Tensor.scalar(1.0) }, Tensor.ones(2)).toDoubleArray().toList() shouldBe listOf(0.0, 0.0)
        AD.jacobian({ _ -> Tensor.ones(3) }, Tensor.ones(2)).shape() shouldBe dev.fluxion.tensor.Shape.of(3, 2)
    }
})
