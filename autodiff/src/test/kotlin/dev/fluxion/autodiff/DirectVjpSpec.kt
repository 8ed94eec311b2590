package dev.fluxion.autodiff

import dev.fluxion.tensor.Tensor
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe

/**
 * The VJP programs the discrete adjoints run per stage keep the generated code's direct entry
 * (arguments and results passed by reference, nothing copied): a right-hand side that reads its
 * state and parameters element by element (u[0], p[2], ...), whose gradient is a pad-sum, and a
 * VJP with an output that is structurally zero or is the cotangent itself. The numbers are
 * eager AD's.
 */
class DirectVjpSpec : FunSpec({
    val u = Tensor.of(0.9, 1.3)
    val p = Tensor.of(1.5, 1.0, 3.0, 1.0)
    val t = Tensor.scalar(0.0)
    val ct = Tensor.of(0.7, -1.1)

    /** runInto's outputs, written over arrays prefilled with 42 (so an output left unwritten shows). */
    fun runInto(r: CompiledFunction.MultiRunner, args: Array<DoubleArray>, sizes: IntArray): List<List<Double>> {
        val outs = Array(sizes.size) { DoubleArray(sizes[it]) { 42.0 } }
        r.runInto(args, outs)
        return outs.map { it.toList() }
    }

    test("an element-wise read right-hand side (Lotka–Volterra): its VJP, a pad-sum of the pieces, is direct and gives eager AD's cotangents") {
        val lv = MultiTensorFunction { a ->
            val x = a[0][0]
            val y = a[0][1]
            val q = a[1]
            Tensor.stack(q[0] * x - q[1] * x * y, q[3] * x * y - q[2] * y)
        }
        val cf = Jit.compile(lv, u, p, t)
        val r = cf.vjpOnlyRunner(booleanArrayOf(true, true, false), u, p, t)
        r.direct() shouldBe true
        val want = AD.vjps(lv, ct, u, p, t)
        val got = runInto(r, arrayOf(u.toDoubleArray(), p.toDoubleArray(), t.toDoubleArray(), ct.toDoubleArray()), intArrayOf(2, 4))
        got[0] shouldBe want[0].toDoubleArray().toList()
        got[1] shouldBe want[1].toDoubleArray().toList()
        // and the same numbers through run (the copying entry)
        r.run(arrayOf(u.toDoubleArray(), p.toDoubleArray(), t.toDoubleArray(), ct.toDoubleArray()))
        r.output(0).toList() shouldBe got[0]
        r.output(1).toList() shouldBe got[1]
    }

    test("overlapping pieces add in order, and elements no piece covers are 0") {
        // u[0] read twice and u[2] never: u's gradient is a pad-sum with two pieces at 0 and a gap
        val f = MultiTensorFunction { a -> Tensor.stack(a[0][0] * a[0][1], a[0][0].sin(), a[0][3].square()) }
        val x = Tensor.of(0.4, -1.2, 5.0, 0.8)
        val c = Tensor.of(1.0, -0.5, 2.0)
        val r = Jit.compile(f, x).vjpOnlyRunner(booleanArrayOf(true), x)
        r.direct() shouldBe true
        val got = runInto(r, arrayOf(x.toDoubleArray(), c.toDoubleArray()), intArrayOf(4))[0]
        val want = AD.vjps(f, c, x)[0].toDoubleArray().toList()
        got shouldBe want
        got[2] shouldBe 0.0
    }

    test("a VJP whose cotangent of an unread argument is zero stays direct and writes the zeros") {
        val g = MultiTensorFunction { a -> a[0].times(0.1) }   // a diffusion 0.1·u: p is not read
        val cf = Jit.compile(g, u, p, t)
        cf.reads(1) shouldBe false
        val r = cf.vjpOnlyRunner(booleanArrayOf(true, true, false), u, p, t)
        r.direct() shouldBe true
        val got = runInto(r, arrayOf(u.toDoubleArray(), p.toDoubleArray(), t.toDoubleArray(), ct.toDoubleArray()), intArrayOf(2, 4))
        got[0] shouldBe ct.times(0.1).toDoubleArray().toList()
        got[1] shouldBe listOf(0.0, 0.0, 0.0, 0.0)
    }

    test("outputs that are the cotangent itself, twice, each get their own array") {
        val f = MultiTensorFunction { a -> a[0] + a[1] }   // ū = p̄ = the cotangent
        val x = Tensor.of(1.0, 2.0)
        val r = Jit.compile(f, x, x).vjpOnlyRunner(booleanArrayOf(true, true), x, x)
        r.direct() shouldBe true
        val c = ct.toDoubleArray()
        val got = runInto(r, arrayOf(x.toDoubleArray(), x.toDoubleArray(), c), intArrayOf(2, 2))
        got[0] shouldBe c.toList()
        got[1] shouldBe c.toList()
        c.toList() shouldBe ct.toDoubleArray().toList()   // the argument is not written
    }

    test("a large zero cotangent keeps the shared constant (no direct entry) and is still written as zeros") {
        val wide = Tensor.linspace(-1.0, 1.0, 40)
        val g = MultiTensorFunction { a -> a[0].times(0.1) }
        val r = Jit.compile(g, u, wide).vjpOnlyRunner(booleanArrayOf(true, true), u, wide)
        withClue("40 > the unroll limit") { r.direct() shouldBe false }
        val got = runInto(r, arrayOf(u.toDoubleArray(), wide.toDoubleArray(), ct.toDoubleArray()), intArrayOf(2, 40))
        got[0] shouldBe ct.times(0.1).toDoubleArray().toList()
        got[1] shouldBe List(40) { 0.0 }
    }
})
