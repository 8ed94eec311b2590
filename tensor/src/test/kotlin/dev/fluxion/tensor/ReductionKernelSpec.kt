package dev.fluxion.tensor

import io.kotest.assertions.throwables.shouldThrow
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.property.Arb
import io.kotest.property.arbitrary.long
import io.kotest.property.checkAll
import kotlin.random.Random

private fun maxRef(a: Double, b: Double) = if (a.isNaN() || b.isNaN()) Double.NaN else maxOf(a, b)

class ReductionKernelSpec : FunSpec({
    test("sum, mean, max and min along an axis (with and without keepDims) equal the definitions, eager and compiled") {
        checkAll(propConfig(11L, 80), Arb.long()) { seed ->
            val r = Random(seed)
            val d = G.shape(r, minRank = 1)
            val x = G.tensor(r, d)
            val axis = r.nextInt(d.size)
            val neg = axis - d.size
            val keep = r.nextBoolean()
            val kept = Shape.of(*d.copyOf().also { it[axis] = 1 })
            val removed = Shape.of(*d.filterIndexed { i, _ -> i != axis }.toIntArray())
            val outShape = if (keep) kept else removed
            val sum = Ref.reduce(x, axis, 0.0) { a, b -> a + b }
            val max = Ref.reduce(x, axis, Double.NEGATIVE_INFINITY, ::maxRef)
            val min = Ref.reduce(x, axis, Double.POSITIVE_INFINITY) { a, b -> minOf(a, b) }
            withClue("shape ${Shape.of(*d)}, axis $axis, keepDims $keep") {
                for (ax in listOf(axis, neg)) {
                    x.sum(ax, keep).shape() shouldBe outShape
                    assertValues("sum", x.sum(ax, keep).toDoubleArray(), sum, 1e-14)
                    assertValues("mean", x.mean(ax, keep).toDoubleArray(), sum.map { it / d[axis] }.toDoubleArray(), 1e-14)
                    x.max(ax, keep).shape() shouldBe outShape
                    assertValues("max", x.max(ax, keep).toDoubleArray(), max)
                    assertValues("min", x.min(ax, keep).toDoubleArray(), min)
                }
                assertValues("sum kernel", runKernel(ReductionOps.SumAxis(axis, keep), x).toDoubleArray(), sum, 1e-14)
                assertValues("max kernel", runKernel(ReductionOps.Max(axis, keep), x).toDoubleArray(), max)
                x.sum(axis).shape() shouldBe removed
            }
        }
    }

    test("sum, mean, max, min, norm and rms of all elements equal the definitions") {
        checkAll(propConfig(12L, 80), Arb.long()) { seed ->
            val r = Random(seed)
            val x = G.tensor(r, G.shape(r))
            val v = x.toDoubleArray()
            x.sum().shape() shouldBe Shape.SCALAR
            assertValues("sum", x.sum().toDoubleArray(), doubleArrayOf(v.sum()), 1e-14)
            assertValues("mean", x.mean().toDoubleArray(), doubleArrayOf(v.average()), 1e-14)
            assertValues("max", x.max().toDoubleArray(), doubleArrayOf(v.max()))
            assertValues("min", x.min().toDoubleArray(), doubleArrayOf(v.min()))
            assertValues("norm", x.norm().toDoubleArray(), doubleArrayOf(kotlin.math.sqrt(v.sumOf { it * it })), 1e-14)
            assertValues("rms", x.rms().toDoubleArray(), doubleArrayOf(kotlin.math.sqrt(v.sumOf { it * it } / v.size)), 1e-14)
            assertValues("max kernel", runKernel(ReductionOps.Max(-1, false), x).toDoubleArray(), doubleArrayOf(v.max()))
        }
    }

    test("max propagates NaN along every axis it meets, and over all elements") {
        checkAll(propConfig(13L, 40), Arb.long()) { seed ->
            val r = Random(seed)
            val d = G.shape(r, minRank = 1)
            val v = G.tensor(r, d).toDoubleArray()
            v[r.nextInt(v.size)] = Double.NaN
            val x = Tensor.of(Shape.of(*d), *v)
            x.max().item().isNaN() shouldBe true
            x.min().item().isNaN() shouldBe true
            val axis = r.nextInt(d.size)
            assertValues("max along $axis", x.max(axis).toDoubleArray(), Ref.reduce(x, axis, Double.NEGATIVE_INFINITY, ::maxRef))
        }
    }

    test("rmsNorm is the RMS of x / scale with scale broadcast (Hairer–Nørsett–Wanner's error norm)") {
        val x = Tensor.of(3.0, 4.0)
        val scale = Tensor.of(1.0, 2.0)
        x.rmsNorm(scale).item() shouldBe kotlin.math.sqrt((9.0 + 4.0) / 2)
        x.rmsNorm(Tensor.scalar(2.0)).item() shouldBe kotlin.math.sqrt((2.25 + 4.0) / 2)
    }

    test("max of an empty tensor, or along an empty axis, is an error naming the shape; sums of empty tensors are 0") {
        shouldThrow<IllegalArgumentException> { Tensor.zeros(0).max() }.message shouldContain "[0]"
        shouldThrow<IllegalArgumentException> { Tensor.zeros(2, 0).max(1) }.message shouldContain "[2, 0]"
        Tensor.zeros(0).sum().item() shouldBe 0.0
        Tensor.zeros(2, 0).sum(1).toDoubleArray().toList() shouldBe listOf(0.0, 0.0)
    }

    test("an axis out of range names the axis and the shape") {
        shouldThrow<IllegalArgumentException> { Tensor.ones(2, 3).sum(-3) }.message shouldContain "axis -3 is out of range for shape [2, 3]"
        shouldThrow<IllegalArgumentException> { Tensor.ones(2, 3).max(2, true) }.message shouldContain "[2, 3]"
    }
})
