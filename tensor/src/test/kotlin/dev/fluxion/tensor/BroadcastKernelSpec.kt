package dev.fluxion.tensor

import io.kotest.assertions.throwables.shouldThrow
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.property.Arb
import io.kotest.property.arbitrary.long
import io.kotest.property.checkAll
import kotlin.math.pow
import kotlin.random.Random

/** Small integers (so ties and equalities occur), reals, and the odd NaN. */
private fun mixed(r: Random, d: IntArray): Tensor = Tensor.of(Shape.of(*d), *DoubleArray(Ref.size(d)) {
    when (r.nextInt(10)) {
        0 -> Double.NaN
        1, 2, 3 -> r.nextInt(-2, 3).toDouble()
        else -> -3.0 + 6.0 * r.nextDouble()
    }
})

private class BinaryCase(val op: ElementwiseOps.Binary, val call: (Tensor, Tensor) -> Tensor, val ref: (Double, Double) -> Double)

private fun b(x: Boolean) = if (x) 1.0 else 0.0

private val binaries = listOf(
    BinaryCase(ElementwiseOps.Binary.ADD, Tensor::plus) { x, y -> x + y },
    BinaryCase(ElementwiseOps.Binary.SUB, Tensor::minus) { x, y -> x - y },
    BinaryCase(ElementwiseOps.Binary.MUL, Tensor::times) { x, y -> x * y },
    BinaryCase(ElementwiseOps.Binary.DIV, Tensor::div) { x, y -> x / y },
    BinaryCase(ElementwiseOps.Binary.POW, Tensor::pow) { x, y -> x.pow(y) },
    BinaryCase(ElementwiseOps.Binary.MAXIMUM, Tensor::maximum) { x, y -> if (x.isNaN() || x >= y) x else y },
    BinaryCase(ElementwiseOps.Binary.MINIMUM, Tensor::minimum) { x, y -> if (x.isNaN() || x <= y) x else y },
    BinaryCase(ElementwiseOps.Binary.GT, Tensor::gt) { x, y -> b(x > y) },
    BinaryCase(ElementwiseOps.Binary.GE, Tensor::ge) { x, y -> b(x >= y) },
    BinaryCase(ElementwiseOps.Binary.LT, Tensor::lt) { x, y -> b(x < y) },
    BinaryCase(ElementwiseOps.Binary.LE, Tensor::le) { x, y -> b(x <= y) },
    BinaryCase(ElementwiseOps.Binary.EQ, Tensor::eq) { x, y -> b(x == y) },
    BinaryCase(ElementwiseOps.Binary.NE, Tensor::ne) { x, y -> b(x != y) },
)

/** Shape pairs that hit every kernel path: equal, scalar either side, periodic suffix either side, general index maps. */
private fun shapePair(r: Random): Pair<IntArray, IntArray> {
    val out = G.shape(r)
    return when (r.nextInt(5)) {
        0 -> out to out
        1 -> out to (if (r.nextBoolean()) IntArray(0) else IntArray(out.size) { 1 })
        2 -> out to out.copyOfRange(r.nextInt(out.size + 1), out.size)
        3 -> out.copyOfRange(r.nextInt(out.size + 1), out.size) to out
        else -> G.broadcastable(r, out) to G.broadcastable(r, out).let { if (r.nextBoolean()) out else it }
    }
}

class BroadcastKernelSpec : FunSpec({
    test("Shape.broadcast follows NumPy's rule (align right, 1 stretches) and names the op and both shapes when it fails") {
        checkAll(propConfig(1L, 200), Arb.long()) { seed ->
            val r = Random(seed)
            val a = G.shape(r, maxDim = 3)
            val c = G.shape(r, maxDim = 3)
            val want = Ref.broadcast(a, c)
            if (want != null) {
                Shape.broadcast(Shape.of(*a), Shape.of(*c), "op") shouldBe Shape.of(*want)
                Shape.of(*a).broadcastsTo(Shape.of(*want)) shouldBe true
            } else {
                val e = shouldThrow<IllegalArgumentException> { Shape.broadcast(Shape.of(*a), Shape.of(*c), "myop") }
                e.message shouldContain "myop"
                e.message shouldContain Shape.of(*a).toString()
                e.message shouldContain Shape.of(*c).toString()
            }
        }
    }

    for (case in binaries) {
        test("${case.op.name()}: eager and compiled kernels equal the elementwise definition on broadcast shapes") {
            checkAll(propConfig(100L + case.op.name().hashCode(), 60), Arb.long()) { seed ->
                val r = Random(seed)
                val (sa, sb) = shapePair(r)
                val x = mixed(r, sa)
                val y = mixed(r, sb)
                val want = Ref.binary(x, y, case.ref)
                withClue("${Shape.of(*sa)} with ${Shape.of(*sb)}") {
                    val got = case.call(x, y)
                    got.shape() shouldBe Shape.of(*Ref.broadcast(sa, sb)!!)
                    assertValues("eager", got.toDoubleArray(), want)
                    assertValues("kernel", runKernel(case.op, x, y).toDoubleArray(), want)
                }
            }
        }
    }

    test("where(cond, a, b) picks a where cond is nonzero, with three-way broadcasting, eager and compiled") {
        checkAll(propConfig(3L, 80), Arb.long()) { seed ->
            val r = Random(seed)
            val out = G.shape(r)
            val sc = if (r.nextBoolean()) out else G.broadcastable(r, out)
            val cond = Tensor.of(Shape.of(*sc), *DoubleArray(Ref.size(sc)) { listOf(0.0, 1.0, -2.5, Double.NaN)[r.nextInt(4)] })
            val a = G.tensor(r, G.broadcastable(r, out))
            val bb = G.tensor(r, if (r.nextBoolean()) out else G.broadcastable(r, out))
            val full = Ref.broadcast(Ref.broadcast(sc, a.shape().dims())!!, bb.shape().dims())!!
            val cv = cond.toDoubleArray(); val av = a.toDoubleArray(); val bv = bb.toDoubleArray()
            val want = DoubleArray(Ref.size(full)) { k ->
                val idx = Ref.unravel(k, full)
                if (cv[Ref.readIndex(idx, sc)] != 0.0) av[Ref.readIndex(idx, a.shape().dims())] else bv[Ref.readIndex(idx, bb.shape().dims())]
            }
            val got = Tensor.where(cond, a, bb)
            got.shape() shouldBe Shape.of(*full)
            assertValues("eager", got.toDoubleArray(), want)
            assertValues("kernel", runKernel(ElementwiseOps.Where.INSTANCE, cond, a, bb).toDoubleArray(), want)
        }
    }

    test("broadcastTo repeats along stretched axes and sumTo is its adjoint: ⟨broadcastTo(x), y⟩ = ⟨x, sumTo(y)⟩") {
        checkAll(propConfig(4L, 80), Arb.long()) { seed ->
            val r = Random(seed)
            val out = G.shape(r)
            val sx = G.broadcastable(r, out)
            val x = G.tensor(r, sx)
            val y = G.tensor(r, out)
            val bx = x.broadcastTo(*out)
            val idxWant = DoubleArray(Ref.size(out)) { k -> x.toDoubleArray()[Ref.readIndex(Ref.unravel(k, out), sx)] }
            assertValues("broadcastTo", bx.toDoubleArray(), idxWant)
            assertValues("broadcastTo kernel", runKernel(ShapeOps.BroadcastTo(Shape.of(*out)), x).toDoubleArray(), idxWant)
            val sy = y.sumTo(Shape.of(*sx))
            sy.shape() shouldBe Shape.of(*sx)
            assertValues("sumTo kernel", runKernel(ShapeOps.SumTo(Shape.of(*sx)), y).toDoubleArray(), sy.toDoubleArray(), 1e-14)
            val lhs = bx.toDoubleArray().zip(y.toDoubleArray()).sumOf { it.first * it.second }
            val rhs = x.toDoubleArray().zip(sy.toDoubleArray()).sumOf { it.first * it.second }
            assertValues("adjoint identity", doubleArrayOf(lhs), doubleArrayOf(rhs), 1e-12)
        }
    }

    test("scalar-constant ops equal their definitions, eager and compiled") {
        checkAll(propConfig(5L, 60), Arb.long()) { seed ->
            val r = Random(seed)
            val x = mixed(r, G.shape(r))
            val c = listOf(2.0, 3.0, 0.5, -1.0, 0.0, r.nextInt(-2, 3).toDouble(), -3 + 6 * r.nextDouble())[r.nextInt(7)]
            val cases = listOf<Triple<ElementwiseOps.ScalarKind, (Tensor) -> Tensor, (Double) -> Double>>(
                Triple(ElementwiseOps.ScalarKind.ADD, { it.plus(c) }, { it + c }),
                Triple(ElementwiseOps.ScalarKind.MUL, { it.times(c) }, { it * c }),
                Triple(ElementwiseOps.ScalarKind.DIV, { it.div(c) }, { it / c }),
                Triple(ElementwiseOps.ScalarKind.POW, { it.pow(c) }, { it.pow(c) }),
                Triple(ElementwiseOps.ScalarKind.RSUB, { it.rsub(c) }, { c - it }),
                Triple(ElementwiseOps.ScalarKind.RDIV, { it.rdiv(c) }, { c / it }),
                Triple(ElementwiseOps.ScalarKind.GT, { it.gt(c) }, { b(it > c) }),
                Triple(ElementwiseOps.ScalarKind.GE, { it.ge(c) }, { b(it >= c) }),
                Triple(ElementwiseOps.ScalarKind.LT, { it.lt(c) }, { b(it < c) }),
                Triple(ElementwiseOps.ScalarKind.LE, { it.le(c) }, { b(it <= c) }),
                Triple(ElementwiseOps.ScalarKind.EQ, { it.eq(c) }, { b(it == c) }),
            )
            for ((kind, call, ref) in cases) {
                val want = x.toDoubleArray().map(ref).toDoubleArray()
                withClue("$kind with c = $c") {
                    // pow(2) and pow(3) multiply out (x·x·x), within an ulp or two of Math.pow
                    assertValues("eager", call(x).toDoubleArray(), want, 1e-15)
                    assertValues("kernel", runKernel(ElementwiseOps.ScalarOp(kind, c), x).toDoubleArray(), want, 1e-15)
                }
            }
            assertValues("minus(c)", x.minus(c).toDoubleArray(), x.toDoubleArray().map { it - c }.toDoubleArray())
        }
    }
})
