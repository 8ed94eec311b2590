package dev.fluxion.autodiff

import dev.fluxion.tensor.ConcretizationException
import dev.fluxion.tensor.Shape
import dev.fluxion.tensor.Tensor
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.nulls.shouldBeNull
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain

/** Asserts the message names the op and every listed shape. */
private fun Throwable.shouldName(op: String, vararg shapes: String) {
    val m = message ?: ""
    withClue("message: $m") {
        m shouldContain op
        for (s in shapes) m shouldContain s
    }
}

/** The same mismatch, on plain tensors and on tensors tracked inside AD.gradient, gives the same message. */
private fun mismatch(op: String, a: IntArray, b: IntArray, call: (Tensor, Tensor) -> Tensor) {
    val x = Tensor.ones(*a)
    val y = Tensor.ones(*b)
    val sa = Shape.of(*a).toString()
    val sb = Shape.of(*b).toString()
    shouldThrow<IllegalArgumentException> { call(x, y) }.shouldName(op, sa, sb)
    shouldThrow<IllegalArgumentException> { AD.gradient({ q -> call(q, y).sum() }, x) }.shouldName(op, sa, sb)
    shouldThrow<IllegalArgumentException> { AD.jvp({ q -> call(x, q) }, y, y) }.shouldName(op, sa, sb)
}

private fun Tensor.isNaN() = toDoubleArray().all { it.isNaN() }

class BadInputSpec : FunSpec({
    test("shape mismatch errors name the op and both shapes (plain, tracked, dual): elementwise binary ops") {
        mismatch("add", intArrayOf(2, 3), intArrayOf(4)) { a, b -> a.plus(b) }
        mismatch("sub", intArrayOf(3), intArrayOf(2)) { a, b -> a.minus(b) }
        mismatch("mul", intArrayOf(2, 3), intArrayOf(3, 2)) { a, b -> a.times(b) }
        mismatch("div", intArrayOf(5), intArrayOf(2, 4)) { a, b -> a.div(b) }
        mismatch("pow", intArrayOf(2), intArrayOf(3)) { a, b -> a.pow(b) }
        mismatch("maximum", intArrayOf(2), intArrayOf(3)) { a, b -> a.maximum(b) }
        mismatch("minimum", intArrayOf(2), intArrayOf(3)) { a, b -> a.minimum(b) }
        mismatch("where", intArrayOf(2), intArrayOf(3)) { a, b -> Tensor.where(Tensor.ones(2), a, b) }
    }
    test("shape mismatch errors name the op and both shapes (plain, tracked, dual): matmul: vectors, matrices and batch axes name the operands' own shapes") {
        mismatch("matmul", intArrayOf(3), intArrayOf(4)) { a, b -> a.matmul(b) }
        mismatch("matmul", intArrayOf(2, 3), intArrayOf(4)) { a, b -> a.matmul(b) }
        mismatch("matmul", intArrayOf(3), intArrayOf(4, 2)) { a, b -> a.matmul(b) }
        mismatch("matmul", intArrayOf(2, 3), intArrayOf(2, 3)) { a, b -> a.matmul(b) }
        mismatch("matmul", intArrayOf(2, 2, 3), intArrayOf(3, 3, 2)) { a, b -> a.matmul(b) }
        mismatch("dot", intArrayOf(3), intArrayOf(4)) { a, b -> a.dot(b) }
    }
    test("shape mismatch errors name the op and both shapes (plain, tracked, dual): solve: a right-hand side that does not fit A") {
        mismatch("solve", intArrayOf(3, 3), intArrayOf(2)) { a, b -> Tensor.solve(a, b) }
        mismatch("solve", intArrayOf(3, 3), intArrayOf(2, 2)) { a, b -> Tensor.solve(a, b) }
        shouldThrow<IllegalArgumentException> { Tensor.solve(Tensor.ones(2, 3), Tensor.ones(2)) }.shouldName("solve", "[2, 3]")
        shouldThrow<IllegalArgumentException> { Tensor.ones(2, 3).det() }.shouldName("det", "[2, 3]")
        shouldThrow<IllegalArgumentException> { Tensor.ones(3).logdet() }.shouldName("logdet", "[3]")
    }
    test("shape mismatch errors name the op and both shapes (plain, tracked, dual): shape ops and the fused linear combination") {
        mismatch("concat", intArrayOf(2, 3), intArrayOf(2, 4)) { a, b -> Tensor.concat(0, a, b) }
        mismatch("stack", intArrayOf(2, 3), intArrayOf(3, 2)) { a, b -> Tensor.stack(a, b) }
        mismatch("linearCombination", intArrayOf(2), intArrayOf(3)) { a, b -> Tensor.linearCombination(doubleArrayOf(1.0, 2.0), a, b) }
        shouldThrow<IllegalArgumentException> { Tensor.ones(2, 3).reshape(4) }.shouldName("reshape", "[2, 3]", "[4]")
        shouldThrow<IllegalArgumentException> { Tensor.ones(2, 3).broadcastTo(4, 3) }.shouldName("broadcastTo", "[2, 3]", "[4, 3]")
        shouldThrow<IllegalArgumentException> { Tensor.ones(2, 3).sumTo(Shape.of(4)) }.shouldName("sumTo", "[2, 3]", "[4]")
        shouldThrow<IllegalArgumentException> { Tensor.ones(2, 3).sum(2) }.shouldName("axis 2", "[2, 3]")
        shouldThrow<IllegalArgumentException> { Tensor.ones(2, 3).slice(1, 1, 5) }.shouldName("slice", "[2, 3]")
        shouldThrow<IllegalArgumentException> { Tensor.ones(2, 3).squeeze(0) }.shouldName("squeeze", "[2, 3]")
        shouldThrow<IndexOutOfBoundsException> { Tensor.ones(2, 3)[2] }.shouldName("get", "[2, 3]")
        shouldThrow<IllegalArgumentException> { Tensor.ones(2, 3).transpose(0, 0) }.shouldName("transpose", "[2, 3]")
        shouldThrow<IllegalArgumentException> { Tensor.linearCombination(doubleArrayOf(1.0), Tensor.ones(2), Tensor.ones(2)) }
            .shouldName("linearCombination", "1 coefficients", "2 tensors")
    }
    test("shape mismatch errors name the op and both shapes (plain, tracked, dual): AD entry points: a tangent or cotangent of the wrong shape") {
        shouldThrow<IllegalArgumentException> { AD.jvp({ it.sin() }, Tensor.ones(3), Tensor.ones(2)) }.shouldName("jvp", "[2]", "[3]")
        shouldThrow<IllegalArgumentException> { AD.vjp(TensorFunction { it.sum() }, Tensor.ones(3), Tensor.ones(3)) }.shouldName("vjp", "[3]", "[]")
        shouldThrow<IllegalArgumentException> { AD.jacobian({ it }, Tensor.ones(3), 0) }.shouldName("jacobian", "chunk")
    }

    test("a non-scalar function passed to AD.gradient is refused, naming its shape and the alternatives") {
        val e = shouldThrow<IllegalArgumentException> { AD.gradient({ q -> q.times(2.0) }, Tensor.of(1.0, 2.0, 3.0)) }
        e.shouldName("scalar", "[3]", "AD.vjp", "AD.jacobian")
        shouldThrow<IllegalArgumentException> { AD.gradients({ q -> q[0].plus(q[1]) }, Tensor.ones(2), Tensor.ones(2)) }.shouldName("scalar", "[2]")
        shouldThrow<IllegalArgumentException> { AD.hvp({ q -> q.square() }, Tensor.ones(2), Tensor.ones(2)) }.shouldName("scalar", "[2]")
    }

    test("item() on a tensor of several elements names its shape") {
        shouldThrow<IllegalArgumentException> { Tensor.of(1.0, 2.0).item() }.shouldName("item()", "[2]")
        shouldThrow<IllegalArgumentException> { AD.gradient({ q -> Tensor.scalar(q.item()) }, Tensor.ones(2, 2)) }.shouldName("item()", "[2, 2]")
        Tensor.ones(1, 1).item() shouldBe 1.0
    }

    test("NaN propagates as a value, not an exception, through ops") {
        Tensor.of(-1.0).sqrt().isNaN() shouldBe true
        Tensor.of(1.0, Double.NaN, 3.0).sum().isNaN() shouldBe true
        Tensor.of(1.0, Double.NaN, 3.0).max().isNaN() shouldBe true
        Tensor.of(1.0, Double.NaN, 3.0).min().isNaN() shouldBe true
        Tensor.of(arrayOf(doubleArrayOf(1.0, Double.NaN), doubleArrayOf(2.0, 0.0))).max(1).toDoubleArray()[0].isNaN() shouldBe true
        Tensor.of(1.0, Double.NaN).maximum(Tensor.of(Double.NaN, 2.0)).isNaN() shouldBe true
        Tensor.of(1.0, Double.NaN).minimum(Tensor.of(Double.NaN, 2.0)).isNaN() shouldBe true
        Tensor.of(Double.NaN).relu().isNaN() shouldBe true
        Tensor.of(Double.NaN, 1.0).matmul(Tensor.of(1.0, 1.0)).isNaN() shouldBe true
        Tensor.of(-1.0).log().isNaN() shouldBe true
        // a matrix with negative determinant: logdet is log of a negative number
        Tensor.of(arrayOf(doubleArrayOf(0.0, 1.0), doubleArrayOf(1.0, 0.0))).logdet().isNaN() shouldBe true
    }
    test("NaN propagates as a value, not an exception, through gradients") {
        AD.gradient({ q -> q.sqrt().sum() }, Tensor.of(-1.0)).isNaN() shouldBe true
        AD.gradient({ q -> q.sum() }, Tensor.of(1.0, Double.NaN)).toDoubleArray().toList() shouldBe listOf(1.0, 1.0)
        AD.valueAndGradient({ q -> q.sum() }, Tensor.of(1.0, Double.NaN)).value().isNaN() shouldBe true
        AD.gradient({ q -> q.max() }, Tensor.of(1.0, Double.NaN, 3.0)).isNaN() shouldBe true
        AD.gradient({ q -> q.log().sum() }, Tensor.of(Double.NaN)).isNaN() shouldBe true
        AD.jvp({ q -> q.sqrt() }, Tensor.of(-4.0), Tensor.of(1.0)).isNaN() shouldBe true
        AD.hvp({ q -> q.sqrt().sum() }, Tensor.of(-4.0), Tensor.of(1.0)).isNaN() shouldBe true
    }
    test("NaN propagates as a value, not an exception, through compiled programs") {
        val cf = Jit.compile({ a -> a[0].sqrt().max() }, Tensor.of(1.0, 4.0))
        cf.apply(Tensor.of(-1.0, 4.0)).isNaN() shouldBe true
        AD.gradient({ q -> cf.apply(q) }, Tensor.of(-1.0, 4.0)).isNaN() shouldBe true
    }

    test("Jit refuses what a trace cannot replay: a function that calls item() on its input: compile throws ConcretizationException, tryCompile returns null") {
        val f = MultiTensorFunction { a -> if (a[0][0].item() > 0) a[0].times(2.0) else a[0] }
        shouldThrow<ConcretizationException> { Jit.compile(f, Tensor.of(1.0, 2.0)) }.message shouldContain "item()"
        Jit.tryCompile(f, Tensor.of(1.0, 2.0)).shouldBeNull()
        shouldThrow<ConcretizationException> { Jit.compile({ a -> Tensor.of(*a[0].toDoubleArray()) }, Tensor.of(1.0)) }
    }
    test("Jit refuses what a trace cannot replay: a function capturing a tracked tensor of an outer AD call is refused; AD through it eagerly still works") {
        val x0 = Tensor.of(0.5, -1.5)
        val y = Tensor.of(2.0, 3.0)
        var refused: Throwable? = null
        var nullFromTry = false
        val g = AD.gradient({ q ->
            val f = MultiTensorFunction { a -> a[0].times(q).sin() }   // captures the tracked q
            refused = runCatching { Jit.compile(f, y) }.exceptionOrNull()
            val cf = Jit.tryCompile(f, y)
            nullFromTry = cf == null
            (cf?.apply(y) ?: f.apply(arrayOf(y))).sum()             // the caller's fallback: run eagerly
        }, x0)
        withClue("compile must refuse the capture") { (refused is ConcretizationException) shouldBe true }
        refused!!.message shouldContain "tracked"
        nullFromTry shouldBe true
        assertClose("eager gradient through the refused function", g, y.times(y.times(x0).cos()), 1e-15)
    }
    test("Jit refuses what a trace cannot replay: capturing a dual tensor of an outer forward pass is refused too") {
        val e = runCatching {
            AD.jvp({ q -> Jit.compile({ a -> a[0].times(q) }, Tensor.of(1.0)).apply(Tensor.of(1.0)) }, Tensor.of(2.0), Tensor.of(1.0))
        }.exceptionOrNull()
        (e is ConcretizationException) shouldBe true
        e!!.message shouldContain "dual"
    }
    test("Jit refuses what a trace cannot replay: a compiled function called with the wrong shape names both shapes") {
        val cf = Jit.compile({ a -> a[0].sin() }, Tensor.ones(3))
        shouldThrow<IllegalArgumentException> { cf.apply(Tensor.ones(4)) }.shouldName("compiled", "[4]", "[3]")
        shouldThrow<IllegalArgumentException> { cf.apply(Tensor.ones(3), Tensor.ones(3)) }.shouldName("compiled", "2 arguments")
    }
})
