package dev.fluxion.tensor

import io.kotest.assertions.throwables.shouldThrow
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.property.Arb
import io.kotest.property.arbitrary.long
import io.kotest.property.checkAll
import kotlin.math.ln
import kotlin.random.Random

private fun wellConditioned(r: Random, n: Int) = G.tensor(r, intArrayOf(n, n), -1.0, 1.0).plus(Tensor.eye(n).times(n.toDouble()))

private fun Tensor.matrix(): Array<DoubleArray> {
    val n = dim(0); val m = dim(1); val v = toDoubleArray()
    return Array(n) { i -> v.copyOfRange(i * m, (i + 1) * m) }
}

private fun rawBits(a: DoubleArray) = a.map { it.toRawBits() }

class LinalgKernelSpec : FunSpec({
    test("matmul of matrices and batches with broadcast batch axes equals the definition, eager and compiled") {
        checkAll(propConfig(31L, 80), Arb.long()) { seed ->
            val r = Random(seed)
            val m = r.nextInt(1, 5); val k = r.nextInt(0, 5); val n = r.nextInt(1, 5)
            val batch = G.shape(r, maxRank = 2, maxDim = 3)
            val ba = G.broadcastable(r, batch)
            val bb = if (r.nextBoolean()) batch else G.broadcastable(r, batch)
            val a = G.tensor(r, ba + intArrayOf(m, k))
            val b = G.tensor(r, bb + intArrayOf(k, n))
            val (od, want) = Ref.matmul(a, b)
            withClue("${a.shape()} · ${b.shape()}") {
                val got = a.matmul(b)
                got.shape() shouldBe Shape.of(*od)
                assertValues("eager", got.toDoubleArray(), want, 1e-13)
                assertValues("kernel", runKernel(MatMul.INSTANCE, a, b).toDoubleArray(), want, 1e-13)
            }
        }
    }

    test("matmul promotes vectors as NumPy does and removes the added axes; dot is the inner product") {
        checkAll(propConfig(32L, 40), Arb.long()) { seed ->
            val r = Random(seed)
            val m = r.nextInt(1, 5); val k = r.nextInt(1, 5)
            val a = G.tensor(r, intArrayOf(m, k))
            val v = G.tensor(r, intArrayOf(k))
            val u = G.tensor(r, intArrayOf(m))
            val w = G.tensor(r, intArrayOf(k))
            val av = a.matmul(v)
            av.shape() shouldBe Shape.of(m)
            assertValues("A v", av.toDoubleArray(), a.matmul(v.reshape(k, 1)).toDoubleArray(), 1e-14)
            val ua = u.matmul(a)
            ua.shape() shouldBe Shape.of(k)
            assertValues("u A", ua.toDoubleArray(), u.reshape(1, m).matmul(a).toDoubleArray(), 1e-14)
            val vw = v.matmul(w)
            vw.shape() shouldBe Shape.SCALAR
            assertValues("v·w", vw.toDoubleArray(), doubleArrayOf(v.toDoubleArray().zip(w.toDoubleArray()).sumOf { it.first * it.second }), 1e-14)
            assertValues("dot", v.dot(w).toDoubleArray(), vw.toDoubleArray())
            val batched = G.tensor(r, intArrayOf(2, m, k))
            batched.matmul(v).shape() shouldBe Shape.of(2, m)
            u.matmul(batched).shape() shouldBe Shape.of(2, k)
        }
    }

    test("matrix·vector at n = 2000 equals in-order dot products bit for bit, for A stored plainly and transposed") {
        // The matrix-vector kernel runs dot products along A's rows (issue 10: it used to stride by
        // n); its summation order is part of the contract that compiled and eager paths agree bit
        // for bit, so the reference is the plain in-order loop 0 + a_i0 b_0 + a_i1 b_1 + ...
        val r = Random(65L)
        for ((m, k) in listOf(2000 to 2000, 1999 to 7, 3 to 2001, 1 to 500)) {
            val a = G.tensor(r, intArrayOf(m, k))
            val u = G.tensor(r, intArrayOf(k))
            val av = a.toDoubleArray(); val uv = u.toDoubleArray()
            val want = DoubleArray(m) { i -> var s = 0.0; for (p in 0 until k) s += av[i * k + p] * uv[p]; s }
            withClue("A [$m, $k] · u") { rawBits(a.matmul(u).toDoubleArray()) shouldBe rawBits(want) }
            withClue("kernel") { rawBits(runKernel(MatMul.INSTANCE, a, u.reshape(k, 1)).toDoubleArray()) shouldBe rawBits(want) }
            // Aᵀ stored [k, m]: matmul with transposeA reads the same numbers column-wise
            val at = Tensor.of(Shape.of(k, m), *a.transpose().toDoubleArray())
            withClue("matmul(Aᵀ stored, transposeA) · u") {
                rawBits(Tensor.matmul(at, true, u.reshape(k, 1), false).toDoubleArray()) shouldBe rawBits(want)
            }
        }
    }

    test("matmul with every transpose pair equals in-order dot products bit for bit, skinny and large shapes, split over threads or not") {
        // Issue 15's kernels are chosen by shape (dot products for few columns, axpys along rows,
        // a transposed-a kernel, row splits over the cores above Parallel.THRESHOLD); each must
        // keep every output's summation order 0 + a_i0 b_0j + a_i1 b_1j + ..., so the reference is
        // that plain loop and the comparison is on raw bits. [1024, 2]·[2, 64]ᵀ and [1024, 64]·[64, 2]ᵀ
        // are a batched Dense layer's forward; [64, 1024]ᵀ-shaped products are its backward.
        val r = Random(66L)
        val shapes = listOf(intArrayOf(1024, 2, 64), intArrayOf(1024, 64, 2), intArrayOf(64, 1024, 2), intArrayOf(2, 1024, 64),
            intArrayOf(1024, 2, 2), intArrayOf(7, 3, 5), intArrayOf(5, 9, 3), intArrayOf(3, 4, 11), intArrayOf(300, 40, 50), intArrayOf(17, 1, 9))
        for (sh in shapes) {
            val (m, k, n) = Triple(sh[0], sh[1], sh[2])
            val av = G.tensor(r, intArrayOf(m, k)).toDoubleArray()
            val bv = G.tensor(r, intArrayOf(k, n)).toDoubleArray()
            val want = DoubleArray(m * n) { q -> val i = q / n; val j = q % n; var s = 0.0; for (p in 0 until k) s += av[i * k + p] * bv[p * n + j]; s }
            for (ta in listOf(false, true)) for (tb in listOf(false, true)) {
                val a = if (ta) Tensor.of(Shape.of(m, k), *av).transpose().let { Tensor.of(Shape.of(k, m), *it.toDoubleArray()) } else Tensor.of(Shape.of(m, k), *av)
                val b = if (tb) Tensor.of(Shape.of(k, n), *bv).transpose().let { Tensor.of(Shape.of(n, k), *it.toDoubleArray()) } else Tensor.of(Shape.of(k, n), *bv)
                withClue("[$m, $k]·[$k, $n] transA=$ta transB=$tb") {
                    val got = Tensor.matmul(a, ta, b, tb)
                    got.shape() shouldBe Shape.of(m, n)
                    rawBits(got.toDoubleArray()) shouldBe rawBits(want)
                    rawBits(runKernel(MatMul.of(ta, tb), a, b).toDoubleArray()) shouldBe rawBits(want)
                }
            }
        }
    }

    test("solve(A, b) satisfies A x = b for vector and matrix right-hand sides, eager and compiled") {
        checkAll(propConfig(33L, 60), Arb.long()) { seed ->
            val r = Random(seed)
            val n = r.nextInt(1, 7)
            val a = wellConditioned(r, n)
            val bv = G.tensor(r, intArrayOf(n))
            val bm = G.tensor(r, intArrayOf(n, r.nextInt(1, 4)))
            val xv = Tensor.solve(a, bv)
            xv.shape() shouldBe bv.shape()
            assertValues("A x = b", a.matmul(xv).toDoubleArray(), bv.toDoubleArray(), 1e-12)
            val xm = Tensor.solve(a, bm)
            assertValues("A X = B", a.matmul(xm).toDoubleArray(), bm.toDoubleArray(), 1e-12)
            assertValues("kernel", runKernel(LinalgOps.Solve.INSTANCE, a, bm).toDoubleArray(), xm.toDoubleArray(), 1e-15)
            assertValues("inv", a.inv().matmul(a).toDoubleArray(), Tensor.eye(n).toDoubleArray(), 1e-12)
            assertValues("A unchanged", a.toDoubleArray(), a.toDoubleArray())
        }
    }

    test("det equals the Laplace expansion and logdet its logarithm (NaN for a negative determinant)") {
        checkAll(propConfig(34L, 60), Arb.long()) { seed ->
            val r = Random(seed)
            val n = r.nextInt(1, 8)
            val a = G.tensor(r, intArrayOf(n, n), -2.0, 2.0)
            val want = Ref.det(a.matrix())
            assertValues("det", a.det().toDoubleArray(), doubleArrayOf(want), 1e-11)
            assertValues("det kernel", runKernel(LinalgOps.Det.INSTANCE, a).toDoubleArray(), doubleArrayOf(want), 1e-11)
            assertValues("logdet", a.logdet().toDoubleArray(), doubleArrayOf(if (want < 0) Double.NaN else ln(want)), 1e-11)
        }
    }

    test("a singular system gives non-finite values, not an exception (stiff solvers reject the step)") {
        val x = Tensor.solve(Tensor.zeros(2, 2), Tensor.of(1.0, 2.0)).toDoubleArray()
        x.any { !it.isFinite() } shouldBe true
        Tensor.of(arrayOf(doubleArrayOf(1.0, 2.0), doubleArrayOf(2.0, 4.0))).det().item() shouldBe 0.0
    }

    test("shape errors name the op and the operands' own shapes") {
        shouldThrow<IllegalArgumentException> { Tensor.of(1.0, 2.0, 3.0).matmul(Tensor.ones(4)) }.message.let {
            it shouldContain "matmul"; it shouldContain "[3]"; it shouldContain "[4]"
        }
        shouldThrow<IllegalArgumentException> { Tensor.ones(2, 2, 3).matmul(Tensor.ones(3, 3, 2)) }.message.let {
            it shouldContain "[2, 2, 3]"; it shouldContain "[3, 3, 2]"
        }
        shouldThrow<IllegalArgumentException> { Tensor.scalar(1.0).matmul(Tensor.ones(1)) }.message shouldContain "rank"
        shouldThrow<IllegalArgumentException> { Tensor.solve(Tensor.eye(3), Tensor.ones(2)) }.message.let {
            it shouldContain "solve"; it shouldContain "[3, 3]"; it shouldContain "[2]"
        }
        shouldThrow<IllegalArgumentException> { Tensor.ones(2, 3).inv() }.message shouldContain "[2, 3]"
        shouldThrow<IllegalArgumentException> { Tensor.ones(2).dot(Tensor.ones(2, 1)) }.message shouldContain "[2, 1]"
    }
})
