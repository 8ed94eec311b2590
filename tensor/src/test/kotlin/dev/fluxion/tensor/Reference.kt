package dev.fluxion.tensor

import io.kotest.assertions.withClue
import io.kotest.matchers.doubles.shouldBeLessThanOrEqual
import io.kotest.matchers.shouldBe
import io.kotest.property.PropTestConfig
import kotlin.math.abs
import kotlin.math.max
import kotlin.random.Random

// Naive reference implementations (explicit multi-indices, no fast paths) and seeded generators,
// for checking the tensor kernels' fast paths against the definitions.

fun propConfig(seed: Long, iterations: Int = 30) = PropTestConfig(seed = seed, iterations = iterations)

object Ref {
    fun size(d: IntArray) = d.fold(1) { a, b -> a * b }

    fun unravel(k: Int, d: IntArray): IntArray {
        val idx = IntArray(d.size)
        var rem = k
        for (a in d.indices.reversed()) { idx[a] = rem % d[a]; rem /= d[a] }
        return idx
    }

    fun ravel(idx: IntArray, d: IntArray): Int {
        var k = 0
        for (a in d.indices) k = k * d[a] + idx[a]
        return k
    }

    /** NumPy broadcasting of two shapes, or null when incompatible. */
    fun broadcast(a: IntArray, b: IntArray): IntArray? {
        val r = max(a.size, b.size)
        return IntArray(r) { i ->
            val da = if (i < r - a.size) 1 else a[i - (r - a.size)]
            val db = if (i < r - b.size) 1 else b[i - (r - b.size)]
            when {
                da == db -> da
                da == 1 -> db
                db == 1 -> da
                else -> return null
            }
        }
    }

    /** The flat index of the element of a tensor of shape d that broadcasting reads at output multi-index idx. */
    fun readIndex(idx: IntArray, d: IntArray): Int {
        val off = idx.size - d.size
        return ravel(IntArray(d.size) { if (d[it] == 1) 0 else idx[it + off] }, d)
    }

    fun binary(a: Tensor, b: Tensor, fn: (Double, Double) -> Double): DoubleArray {
        val da = a.shape().dims(); val db = b.shape().dims()
        val out = broadcast(da, db)!!
        val x = a.toDoubleArray(); val y = b.toDoubleArray()
        return DoubleArray(size(out)) { k -> val idx = unravel(k, out); fn(x[readIndex(idx, da)], y[readIndex(idx, db)]) }
    }

    /** Reduction along an axis with a fold; the axis is removed. */
    fun reduce(x: Tensor, axis: Int, init: Double, fn: (Double, Double) -> Double): DoubleArray {
        val d = x.shape().dims()
        val outDims = d.filterIndexed { i, _ -> i != axis }.toIntArray()
        val v = x.toDoubleArray()
        return DoubleArray(size(outDims)) { k ->
            val o = unravel(k, outDims)
            var acc = init
            for (j in 0 until d[axis]) {
                val idx = IntArray(d.size) { a -> if (a < axis) o[a] else if (a == axis) j else o[a - 1] }
                acc = fn(acc, v[ravel(idx, d)])
            }
            acc
        }
    }

    fun transpose(x: Tensor, perm: IntArray): DoubleArray {
        val d = x.shape().dims()
        val od = IntArray(d.size) { d[perm[it]] }
        val v = x.toDoubleArray()
        return DoubleArray(size(od)) { k ->
            val o = unravel(k, od)
            val idx = IntArray(d.size)
            for (i in perm.indices) idx[perm[i]] = o[i]
            v[ravel(idx, d)]
        }
    }

    /** Batched matrix product by the definition, batch axes broadcast. */
    fun matmul(a: Tensor, b: Tensor): Pair<IntArray, DoubleArray> {
        val da = a.shape().dims(); val db = b.shape().dims()
        val m = da[da.size - 2]; val k = da[da.size - 1]; val n = db[db.size - 1]
        val ba = da.copyOf(da.size - 2); val bb = db.copyOf(db.size - 2)
        val bt = broadcast(ba, bb)!!
        val od = bt + intArrayOf(m, n)
        val x = a.toDoubleArray(); val y = b.toDoubleArray()
        val out = DoubleArray(size(od)) { q ->
            val idx = unravel(q, od)
            val bi = idx.copyOf(bt.size)
            val i = idx[bt.size]; val j = idx[bt.size + 1]
            val offA = readIndex(bi, ba) * m * k
            val offB = readIndex(bi, bb) * k * n
            var s = 0.0
            for (p in 0 until k) s += x[offA + i * k + p] * y[offB + p * n + j]
            s
        }
        return od to out
    }

    /** Determinant by Laplace expansion along the first row. */
    fun det(a: Array<DoubleArray>): Double {
        val n = a.size
        if (n == 0) return 1.0
        if (n == 1) return a[0][0]
        var s = 0.0
        for (j in 0 until n) {
            val minor = Array(n - 1) { i -> DoubleArray(n - 1) { c -> a[i + 1][if (c < j) c else c + 1] } }
            s += (if (j % 2 == 0) 1 else -1) * a[0][j] * det(minor)
        }
        return s
    }
}

object G {
    fun shape(r: Random, minRank: Int = 0, maxRank: Int = 4, maxDim: Int = 4) = IntArray(r.nextInt(minRank, maxRank + 1)) { r.nextInt(1, maxDim + 1) }

    fun tensor(r: Random, d: IntArray, lo: Double = -3.0, hi: Double = 3.0): Tensor =
        Tensor.of(Shape.of(*d), *DoubleArray(Ref.size(d)) { lo + (hi - lo) * r.nextDouble() })

    /** A shape that broadcasts to out: a suffix with some axes set to 1. */
    fun broadcastable(r: Random, out: IntArray): IntArray {
        val rank = r.nextInt(0, out.size + 1)
        return IntArray(rank) { i -> if (r.nextInt(3) == 0) 1 else out[out.size - rank + i] }
    }
}

/** Elementwise equality to [tol] (absolute, relative beyond 1), NaN only where NaN is expected. */
fun assertValues(what: String, got: DoubleArray, want: DoubleArray, tol: Double = 0.0) {
    withClue("$what: size") { got.size shouldBe want.size }
    for (i in got.indices) {
        if (want[i].isNaN()) { withClue("$what [$i] should be NaN") { got[i].isNaN() shouldBe true }; continue }
        if (got[i] == want[i]) continue   // also covers matching infinities
        withClue("$what [$i]: got ${got[i]}, want ${want[i]}") {
            abs(got[i] - want[i]) shouldBeLessThanOrEqual tol * max(1.0, abs(want[i]))
        }
    }
}

/** Runs an op's compiled-program kernel (the path Jit uses) on plain tensors. */
fun runKernel(op: Op, vararg xs: Tensor): Tensor {
    val shapes = xs.map { it.shape() }.toTypedArray()
    val out = op.outShape(shapes)
    val buf = DoubleArray(out.size())
    op.kernel(shapes, out).run(xs.map { it.toDoubleArray() }.toTypedArray(), buf)
    return Tensor.of(out, *buf)
}
