package dev.fluxion.tensor

import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import java.util.Random as JRandom

class TensorApiSpec : FunSpec({
    test("constructors give the documented shapes and values") {
        Tensor.of(1.0, 2.0).shape() shouldBe Shape.of(2)
        Tensor.of(arrayOf(doubleArrayOf(1.0, 2.0), doubleArrayOf(3.0, 4.0))).toList() shouldBe listOf(1.0, 2.0, 3.0, 4.0)
        Tensor.scalar(3.0).shape() shouldBe Shape.SCALAR
        Tensor.scalar(3.0).item() shouldBe 3.0
        Tensor.zeros(2, 3).toList() shouldBe List(6) { 0.0 }
        Tensor.full(2.5, 2).toList() shouldBe listOf(2.5, 2.5)
        Tensor.eye(2).toList() shouldBe listOf(1.0, 0.0, 0.0, 1.0)
        Tensor.arange(0.0, 1.0, 0.25).toList() shouldBe listOf(0.0, 0.25, 0.5, 0.75)
        Tensor.arange(3).toList() shouldBe listOf(0.0, 1.0, 2.0)
        Tensor.linspace(0.0, 1.0, 5).toList() shouldBe listOf(0.0, 0.25, 0.5, 0.75, 1.0)
        Tensor.linspace(0.1, 0.7, 7).toList().last() shouldBe 0.7
        Tensor.rand(JRandom(1), 3, 2).toList() shouldBe Tensor.rand(JRandom(1), 3, 2).toList()
        Tensor.randn(JRandom(1), 4).shape() shouldBe Shape.of(4)
    }

    test("tensors are immutable: the arrays they are built from, and the arrays they hand out, are copies") {
        val src = doubleArrayOf(1.0, 2.0)
        val t = Tensor.of(*src)
        src[0] = 99.0
        t.toList() shouldBe listOf(1.0, 2.0)
        t.toDoubleArray()[1] = 99.0
        t.toList() shouldBe listOf(1.0, 2.0)
        val r = t.reshape(2, 1)
        r.toList() shouldBe listOf(1.0, 2.0)
        t.valueAt(1) shouldBe 2.0
    }

    test("Kotlin operators: scalar on either side, integer constants, infix mm") {
        val t = tensorOf(1.0, 2.0)
        (2.0 * t).toList() shouldBe listOf(2.0, 4.0)
        (1.0 - t).toList() shouldBe listOf(0.0, -1.0)
        (2.0 / t).toList() shouldBe listOf(2.0, 1.0)
        (1 + t).toList() shouldBe listOf(2.0, 3.0)
        (t * 3).toList() shouldBe listOf(3.0, 6.0)
        (t - t).toList() shouldBe listOf(0.0, 0.0)
        (-t).toList() shouldBe listOf(-1.0, -2.0)
        (matrixOf(doubleArrayOf(1.0, 0.0), doubleArrayOf(0.0, 2.0)) mm t).toList() shouldBe listOf(1.0, 4.0)
        t[1].item() shouldBe 2.0
    }

    test("a plain tensor is primal, of kind primal, on the CPU, and its own primal value") {
        val t = Tensor.of(1.0)
        t.isPrimal() shouldBe true
        t.kind() shouldBe "primal"
        t.device() shouldBe Device.CPU
        (t.primal() === t) shouldBe true
        (t.to(Device.CPU) === t) shouldBe true
        Device.named("cpu") shouldBe Device.CPU
        shouldThrow<IllegalArgumentException> { Device.named("tpu:7") }.message shouldContain "cpu"
    }

    test("bad construction arguments are named in the error") {
        shouldThrow<IllegalArgumentException> { Tensor.of(Shape.of(2, 2), 1.0, 2.0) }.message.let { it shouldContain "[2, 2]"; it shouldContain "2" }
        shouldThrow<IllegalArgumentException> { Tensor.of(arrayOf(doubleArrayOf(1.0), doubleArrayOf(1.0, 2.0))) }.message shouldContain "row 1"
        shouldThrow<IllegalArgumentException> { Tensor.arange(0.0, 1.0, 0.0) }.message shouldContain "step"
        shouldThrow<IllegalArgumentException> { Tensor.linspace(0.0, 1.0, 0) }.message shouldContain "n"
        shouldThrow<IllegalArgumentException> { Shape.of(2, -1) }.message shouldContain "negative"
        shouldThrow<IllegalArgumentException> { Tensor.unsafeWrap(Shape.of(3), DoubleArray(2)) }.message shouldContain "[3]"
    }

    test("item() needs exactly one element and says so with the shape") {
        shouldThrow<IllegalArgumentException> { Tensor.of(1.0, 2.0).item() }.message shouldContain "[2]"
        shouldThrow<IllegalArgumentException> { Tensor.zeros(0).item() }.message shouldContain "[0]"
        Tensor.ones(1, 1, 1).item() shouldBe 1.0
    }

    test("toString shows shape, kind and at most 12 values") {
        Tensor.of(1.0, 2.0).toString() shouldBe "Tensor[2](1.0, 2.0)"
        Tensor.zeros(20).toString() shouldContain "..."
    }

    test("linearCombination of plain tensors equals Σ c_i x_i and checks counts and shapes") {
        val a = tensorOf(1.0, 2.0); val b = tensorOf(10.0, 20.0)
        Tensor.linearCombination(doubleArrayOf(2.0, 0.5), a, b).toList() shouldBe listOf(7.0, 14.0)
        Tensor.linearCombination(doubleArrayOf(0.0, 1.0), a, b).toList() shouldBe listOf(10.0, 20.0)
        runKernel(LinearCombination(doubleArrayOf(2.0, 0.5)), a, b).toList() shouldBe listOf(7.0, 14.0)
        shouldThrow<IllegalArgumentException> { Tensor.linearCombination(doubleArrayOf()) }.message shouldContain "at least one"
        shouldThrow<IllegalArgumentException> { Tensor.linearCombination(doubleArrayOf(1.0, 1.0), a, Tensor.ones(3)) }.message.let {
            it shouldContain "[3]"; it shouldContain "[2]"
        }
    }
})
