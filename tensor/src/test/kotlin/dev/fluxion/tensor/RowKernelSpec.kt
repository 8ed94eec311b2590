package dev.fluxion.tensor

import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import kotlin.random.Random

// The vectorised row kernels (RowKernels, and the MatMul/ShapeOps paths that use them) against
// plain loops in the documented summation order, on raw bits: random sizes (odd ones, zero
// inner dimensions, rows not a multiple of the kernels' four or two), operands at offsets
// inside larger arrays, and partial row ranges as a row split hands them out. Values outside
// the output range must stay untouched.

private fun bits(a: DoubleArray) = a.map { it.toRawBits() }

private fun rnd(r: Random, n: Int) = DoubleArray(n) { r.nextDouble(-2.0, 2.0) }

/** A filled array with a sentinel everywhere, so writes outside the output range show. */
private fun sentinel(n: Int) = DoubleArray(n) { 12345.678 }

class RowKernelSpec : FunSpec({
    test("axpy2: out[i, :] = 0 + a[i,0]·b[0, :] + a[i,1]·b[1, :] (+ c), bit for bit, at offsets and over row ranges") {
        val r = Random(151L)
        repeat(200) {
            val m = r.nextInt(1, 40); val n = r.nextInt(1, 75)
            val ao = r.nextInt(0, 5); val bo = r.nextInt(0, 5); val oo = r.nextInt(0, 5)
            val i0 = r.nextInt(0, m); val i1 = r.nextInt(i0, m + 1)
            val a = rnd(r, ao + 2 * m); val b = rnd(r, bo + 2 * n + r.nextInt(0, 3))
            val c = if (r.nextBoolean()) rnd(r, n) else null
            val got = sentinel(oo + m * n + 3); val want = sentinel(oo + m * n + 3)
            for (i in i0 until i1) for (j in 0 until n) {
                val v = 0.0 + a[ao + 2 * i] * b[bo + j] + a[ao + 2 * i + 1] * b[bo + n + j]
                want[oo + i * n + j] = if (c == null) v else v + c[j]
            }
            RowKernels.axpy2(a, ao, b, bo, c, got, oo, n, i0, i1)
            withClue("m=$m n=$n ao=$ao bo=$bo oo=$oo rows $i0..$i1 bias=${c != null}") { bits(got) shouldBe bits(want) }
        }
    }

    test("sumRows: out[j] = 0 + x[0, j] + x[1, j] + … in row order, bit for bit, at offsets") {
        val r = Random(152L)
        repeat(200) {
            val rows = r.nextInt(0, 40); val n = r.nextInt(1, 75)
            val xo = r.nextInt(0, 5); val oo = r.nextInt(0, 5)
            val x = rnd(r, xo + rows * n + 2)
            val got = sentinel(oo + n + 2); val want = sentinel(oo + n + 2)
            for (j in 0 until n) { var s = 0.0; for (i in 0 until rows) s += x[xo + i * n + j]; want[oo + j] = s }
            RowKernels.sumRows(x, xo, got, oo, rows, n)
            withClue("rows=$rows n=$n xo=$xo oo=$oo") { bits(got) shouldBe bits(want) }
        }
    }

    test("transposedRows (aᵀ·b, a stored [k, m]) for every column count: in-order sums of p, bit for bit, at offsets and over row ranges") {
        // n = 2 runs RowKernels.transposedPair, n ≥ MatMul.SMALL with few rows transposedWide, other
        // narrow n MatMul's column loop; all must give 0 + a[0,i]·b[0,j] + a[1,i]·b[1,j] + …
        val r = Random(153L)
        repeat(300) {
            val m = r.nextInt(1, 70); val k = r.nextInt(0, 41)
            val n = when (r.nextInt(4)) { 0 -> 2; 1 -> r.nextInt(1, MatMul.SMALL); else -> r.nextInt(MatMul.SMALL, 80) }
            val ao = r.nextInt(0, 5); val bo = r.nextInt(0, 5); val oo = r.nextInt(0, 5)
            val i0 = r.nextInt(0, m); val i1 = r.nextInt(i0, m + 1)
            val a = rnd(r, ao + k * m + 1); val b = rnd(r, bo + k * n + 1)
            val got = sentinel(oo + m * n + 2); val want = sentinel(oo + m * n + 2)
            for (i in i0 until i1) for (j in 0 until n) {
                var s = 0.0
                for (p in 0 until k) s += a[ao + p * m + i] * b[bo + p * n + j]
                want[oo + i * n + j] = s
            }
            MatMul.transposedRows(a, ao, b, bo, got, oo, m, k, n, i0, i1)
            withClue("m=$m k=$k n=$n ao=$ao bo=$bo oo=$oo rows $i0..$i1") { bits(got) shouldBe bits(want) }
        }
    }

    test("transposedRows beyond RowKernels.WIDE_ACC outputs per range falls back to its own loop with the same bits") {
        val r = Random(154L)
        val m = RowKernels.WIDE_ACC / 64 + 3; val k = 6; val n = 64
        val a = rnd(r, k * m); val b = rnd(r, k * n)
        val got = DoubleArray(m * n); val want = DoubleArray(m * n)
        for (i in 0 until m) for (j in 0 until n) { var s = 0.0; for (p in 0 until k) s += a[p * m + i] * b[p * n + j]; want[i * n + j] = s }
        MatMul.transposedRows(a, 0, b, 0, got, 0, m, k, n, 0, m)
        bits(got) shouldBe bits(want)
    }

    test("sumTo over leading axes ([R, C] → [C], [R, S, C] → [S, C], → [1, C]) adds the rows in order, bit for bit") {
        val r = Random(155L)
        repeat(60) {
            val rows = r.nextInt(1, 70); val c = r.nextInt(1, 70)
            val x = Tensor.of(Shape.of(rows, c), *rnd(r, rows * c))
            val xv = x.toDoubleArray()
            val want = DoubleArray(c) { j -> var s = 0.0; for (i in 0 until rows) s += xv[i * c + j]; s }
            withClue("[$rows, $c] → [$c]") {
                bits(runKernel(ShapeOps.SumTo(Shape.of(c)), x).toDoubleArray()) shouldBe bits(want)
                bits(x.sumTo(Shape.of(1, c)).toDoubleArray()) shouldBe bits(want)
            }
            val s = r.nextInt(1, 4)
            val y = Tensor.of(Shape.of(rows, s, c), *rnd(r, rows * s * c))
            val yv = y.toDoubleArray()
            val wantY = DoubleArray(s * c) { q -> var t = 0.0; for (i in 0 until rows) t += yv[i * s * c + q]; t }
            withClue("[$rows, $s, $c] → [$s, $c]") { bits(runKernel(ShapeOps.SumTo(Shape.of(s, c)), y).toDoubleArray()) shouldBe bits(wantY) }
        }
    }

    test("a kernel's scratch is per thread: row-split products on both cores equal the serial result") {
        // [1024, 2]·[2, 64] and [1024, 64]ᵀ·[1024, 2]-shaped products are above Parallel.THRESHOLD, so
        // with two cores their rows run on two threads at once, each staging rows in its own scratch
        val r = Random(156L)
        val g = Tensor.of(Shape.of(1024, 2), *rnd(r, 2048)); val w = Tensor.of(Shape.of(2, 64), *rnd(r, 128))
        val h = Tensor.of(Shape.of(1024, 64), *rnd(r, 65536))
        val gv = g.toDoubleArray(); val wv = w.toDoubleArray(); val hv = h.toDoubleArray()
        val wantDh = DoubleArray(1024 * 64) { q -> val i = q / 64; val j = q % 64; 0.0 + gv[2 * i] * wv[j] + gv[2 * i + 1] * wv[64 + j] }
        val wantDw = DoubleArray(64 * 2) { q -> val i = q / 2; val j = q % 2; var s = 0.0; for (p in 0 until 1024) s += hv[p * 64 + i] * gv[p * 2 + j]; s }
        val threads = (0 until 4).map {
            Thread {
                repeat(20) {
                    bits(Tensor.matmul(g, false, w, false).toDoubleArray()) shouldBe bits(wantDh)
                    bits(Tensor.matmul(h, true, g, false).toDoubleArray()) shouldBe bits(wantDw)
                }
            }
        }
        val errors = java.util.concurrent.ConcurrentLinkedQueue<Throwable>()
        threads.forEach { t -> t.setUncaughtExceptionHandler { _, e -> errors.add(e) }; t.start() }
        threads.forEach { it.join() }
        errors.firstOrNull()?.let { throw it }
    }
    test("two-column products with and without a bias (dotRows2, eight rows at a time): in-order dot products, then + c, bit for bit") {
        // [m, k]·[k, 2] and [m, k]·[2, k]ᵀ with m not a multiple of eight, k = 0 included; the
        // bias is MatMulBias's, added after the sum as a separate add would
        val r = Random(157L)
        repeat(120) {
            val m = r.nextInt(1, 45); val k = r.nextInt(0, 70); val tb = r.nextBoolean()
            val av = rnd(r, m * k); val bv = rnd(r, k * 2); val cv = rnd(r, 2)
            val a = Tensor.of(Shape.of(m, k), *av)
            val b = if (tb) Tensor.of(Shape.of(k, 2), *bv).transpose().let { Tensor.of(Shape.of(2, k), *it.toDoubleArray()) } else Tensor.of(Shape.of(k, 2), *bv)
            val c = Tensor.of(Shape.of(2), *cv)
            val dots = DoubleArray(m * 2) { q -> val i = q / 2; val j = q % 2; var s = 0.0; for (p in 0 until k) s += av[i * k + p] * bv[p * 2 + j]; s }
            val biased = DoubleArray(m * 2) { q -> dots[q] + cv[q % 2] }
            withClue("[$m, $k]·[$k, 2] transB=$tb") {
                bits(runKernel(MatMul.of(false, tb), a, b).toDoubleArray()) shouldBe bits(dots)
                bits(runKernel(MatMulBias.of(false, tb), a, b, c).toDoubleArray()) shouldBe bits(biased)
            }
        }
    }
    test("rows longer than RowKernels.BLOCK go through in blocks with the same bits") {
        val r = Random(158L)
        val n = RowKernels.BLOCK * 2 + 37
        run {   // axpy2 over blocks of columns, with a bias
            val m = 5; val a = rnd(r, 2 * m + 1); val b = rnd(r, 2 * n + 3); val c = rnd(r, n)
            val got = sentinel(m * n + 4); val want = sentinel(m * n + 4)
            for (i in 0 until m) for (j in 0 until n) want[2 + i * n + j] = 0.0 + a[1 + 2 * i] * b[3 + j] + a[1 + 2 * i + 1] * b[3 + n + j] + c[j]
            RowKernels.axpy2(a, 1, b, 3, c, got, 2, n, 0, m)
            bits(got) shouldBe bits(want)
        }
        run {   // sumRows over blocks of columns
            val rows = 7; val x = rnd(r, rows * n + 2)
            val got = sentinel(n + 3); val want = sentinel(n + 3)
            for (j in 0 until n) { var s = 0.0; for (i in 0 until rows) s += x[2 + i * n + j]; want[1 + j] = s }
            RowKernels.sumRows(x, 2, got, 1, rows, n)
            bits(got) shouldBe bits(want)
        }
        run {   // transposedRows with two columns over blocks of rows of out, from a row inside
            val m = n; val k = 9; val a = rnd(r, k * m); val b = rnd(r, k * 2)
            val got = sentinel(m * 2); val want = sentinel(m * 2)
            for (i in 3 until m) for (j in 0 until 2) { var s = 0.0; for (p in 0 until k) s += a[p * m + i] * b[p * 2 + j]; want[i * 2 + j] = s }
            MatMul.transposedRows(a, 0, b, 0, got, 0, m, k, 2, 3, m)
            bits(got) shouldBe bits(want)
        }
    }
})
