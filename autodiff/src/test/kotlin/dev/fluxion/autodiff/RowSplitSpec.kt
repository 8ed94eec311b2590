package dev.fluxion.autodiff

import dev.fluxion.tensor.RowPool
import dev.fluxion.tensor.Tensor
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.ints.shouldBeGreaterThan
import io.kotest.matchers.shouldBe
import java.util.SplittableRandom
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit

/**
 * Programs over a batch split by rows over the cores (RowSplit, RowPool): a batched neural ODE's
 * right-hand side and its VJP, on random batch sizes and random networks, against the same program
 * run whole. Batched outputs (f's value, the state's cotangent) must match bit for bit; the
 * parameter cotangent is a sum over rows, which a split adds up as (rows of chunk 0) + (rows of
 * chunk 1) + …: bit for bit the whole program's results on each chunk's rows, added in chunk
 * order, whichever thread took which chunk, and equal to the unsplit sum up to rounding. The rows
 * are cut into chunks of at least RowSplit.CHUNK_ROWS, up to four per thread and at least one,
 * which the threads take in turn. Programs that mix rows must run whole.
 */
class RowSplitSpec : FunSpec({
    /** tanh(u·W1ᵀ + b1)·W2ᵀ + b2 with the weights sliced from the flat p, as nn's Dense layers do. */
    fun mlp(d: Int, w: Int) = MultiTensorFunction { a ->
        val p = a[1]
        var o = 0
        val w1 = p.slice(0, o, o + w * d).reshape(w, d); o += w * d
        val b1 = p.slice(0, o, o + w); o += w
        val w2 = p.slice(0, o, o + d * w).reshape(d, w); o += d * w
        val b2 = p.slice(0, o, o + d)
        Tensor.matmul(Tensor.matmul(a[0], false, w1, true).plus(b1).tanh(), false, w2, true).plus(b2)
    }

    fun <T> withThreads(n: Int, body: () -> T): T {
        val old = RowPool.threads()
        RowPool.setThreads(n)
        try {
            return body()
        } finally {
            RowPool.setThreads(old)
        }
    }

    /** The VJP runner (value, du, dp) of f compiled with the given threads, run on (u, p, ct). */
    fun vjp(f: MultiTensorFunction, threads: Int, u: Tensor, p: Tensor, ct: Tensor): Pair<List<DoubleArray>, Int> = withThreads(threads) {
        val r = Jit.compile(f, u, p, Tensor.scalar(0.0)).vjpRunner(booleanArrayOf(true, true, false), u, p, Tensor.scalar(0.0))!!
        r.run(arrayOf(u.toDoubleArray(), p.toDoubleArray(), doubleArrayOf(0.0), ct.toDoubleArray()))
        List(3) { r.output(it) } to r.rowChunks()
    }

    val rng = SplittableRandom(15)
    for (b in listOf(1, 3, 64, 257, 1024)) {
        repeat(2) { rep ->
            val d = 2 + rng.nextInt(2)
            val w = listOf(16, 64)[rng.nextInt(2)]
            test("B = $b, network $d-$w-$d (draw $rep): split on two threads equals the whole program") {
                val f = mlp(d, w)
                val np = 2 * w * d + w + d
                val u = Tensor.rand(rng, b, d).times(2.0).minus(1.0)
                val p = Tensor.rand(rng, np).minus(0.5)
                val ct = Tensor.rand(rng, b, d).minus(0.5)
                val (whole, one) = vjp(f, 1, u, p, ct)
                val (split, chunks) = vjp(f, 2, u, p, ct)
                one shouldBe 1
                if (b <= 3) chunks shouldBe 1
                // two threads, the rows cut into chunks of at least CHUNK_ROWS (64), at most 4 per thread: 8 at B = 1024
                if (b == 1024) chunks shouldBe RowSplit.chunks(b, 2)
                if (b == 1024 && RowSplit.CHUNK_ROWS == 64) chunks shouldBe 8
                withClue("value") { split[0].toList() shouldBe whole[0].toList() }
                withClue("du") { split[1].toList() shouldBe whole[1].toList() }
                val scale = whole[2].maxOf { Math.abs(it) }
                for (j in whole[2].indices) withClue("dp[$j]") { (Math.abs(split[2][j] - whole[2][j]) <= 1e-13 * scale) shouldBe true }
                if (chunks > 1) {
                    // exactly: the whole program on each chunk's rows, the sums added in chunk order
                    val sum = DoubleArray(np)
                    for (c in 0 until chunks) {
                        val from = (b.toLong() * c / chunks).toInt()
                        val to = (b.toLong() * (c + 1) / chunks).toInt()
                        val (part, _) = vjp(f, 1, u.slice(0, from, to), p, ct.slice(0, from, to))
                        if (c == 0) part[2].copyInto(sum) else for (j in sum.indices) sum[j] += part[2][j]
                    }
                    split[2].toList() shouldBe sum.toList()
                } else {
                    split[2].toList() shouldBe whole[2].toList()
                }
                // the forward program (a solver's f) splits the same way and keeps every bit
                val fwd = withThreads(2) { Jit.compile(f, u, p, Tensor.scalar(0.0)).runner() }
                fwd.run(arrayOf(u.toDoubleArray(), p.toDoubleArray(), doubleArrayOf(0.0))).toList() shouldBe whole[0].toList()
            }
        }
    }

    test("a split runner gives the same bits run after run, and from several threads at once") {
        val f = mlp(2, 64)
        val b = 512
        val u = Tensor.rand(rng, b, 2)
        val p = Tensor.rand(rng, 2 * 64 * 2 + 66).minus(0.5)
        val ct = Tensor.rand(rng, b, 2)
        val (expected, chunks) = vjp(f, 2, u, p, ct)
        chunks shouldBeGreaterThan 2   // more chunks than threads: which thread takes which varies from run to run
        val cf = withThreads(2) { Jit.compile(f, u, p, Tensor.scalar(0.0)) }
        val pool = Executors.newFixedThreadPool(3)
        try {
            val jobs = List(3) {
                pool.submit<List<List<Double>>> {
                    val r = cf.vjpRunner(booleanArrayOf(true, true, false), u, p, Tensor.scalar(0.0))!!
                    List(40) {
                        r.run(arrayOf(u.toDoubleArray(), p.toDoubleArray(), doubleArrayOf(0.0), ct.toDoubleArray()))
                        r.output(2).toList()
                    }.distinct()
                }
            }
            for (j in jobs) j.get(60, TimeUnit.SECONDS) shouldBe listOf(expected[2].toList())
        } finally {
            pool.shutdownNow()
        }
    }

    test("a split program with a bound batched argument reads each chunk's rows of the bound copy") {
        val f = mlp(2, 64)
        val b = 384
        val u = Tensor.rand(rng, b, 2).minus(0.5)
        val p = Tensor.rand(rng, 2 * 64 * 2 + 66).minus(0.5)
        val whole = withThreads(1) { Jit.compile(f, u, p, Tensor.scalar(0.0)).runner() }.run(arrayOf(u.toDoubleArray(), p.toDoubleArray(), doubleArrayOf(0.0)))
        val r = withThreads(2) { Jit.compile(f, u, p, Tensor.scalar(0.0)).runner() }
        r.rowChunks() shouldBeGreaterThan 2
        r.bind(0, u.toDoubleArray())
        // the argument passed is ignored once bound: garbage of the right length changes nothing
        r.run(arrayOf(DoubleArray(2 * b) { Double.NaN }, p.toDoubleArray(), doubleArrayOf(0.0))).toList() shouldBe whole.toList()
    }

    test("programs that mix rows are not split") {
        val b = 1024
        val d = 2
        val u = Tensor.rand(rng, b, d)
        val m = Tensor.rand(rng, d, 64).minus(0.5)   // large enough work to split, were the rows independent
        val constant = Tensor.rand(rng, b, d)
        val mixers = mapOf(
            "u minus its mean over the batch" to MultiTensorFunction { a -> a[0].minus(a[0].mean(0, true)).tanh().matmul(a[1]) },
            "a product with the batch's Gram matrix" to MultiTensorFunction { a -> a[0].matmul(Tensor.matmul(a[0], true, a[0], false)).matmul(a[1]).tanh() },
            "a captured [B, d] constant" to MultiTensorFunction { a -> a[0].plus(constant).matmul(a[1]).tanh() },
            "rows swapped halves" to MultiTensorFunction { a ->
                Tensor.concat(0, a[0].slice(0, b / 2, b), a[0].slice(0, 0, b / 2)).matmul(a[1]).tanh()
            },
            "a reshape across rows" to MultiTensorFunction { a -> a[0].reshape(d, b).transpose().matmul(a[1]).tanh() },
            "a sum over the rows fed back into the rows" to MultiTensorFunction { a ->
                val g = Tensor.matmul(a[0], true, a[0].tanh(), false)   // Σ_r over the batch: [d, d]
                a[0].matmul(g).matmul(a[1]).sin()
            },
        )
        for ((name, f) in mixers) {
            withClue(name) {
                val eager = f.apply(arrayOf(u, m)).toDoubleArray().toList()
                withThreads(2) {
                    val cf = Jit.compile(f, u, m)
                    val r = cf.runner()
                    r.rowChunks() shouldBe 1
                    r.run(arrayOf(u.toDoubleArray(), m.toDoubleArray())).toList() shouldBe eager
                    val v = cf.vjpRunner(booleanArrayOf(true, true), u, m)!!
                    v.rowChunks() shouldBe 1
                }
            }
        }
        // and the same shapes without the mixing do split, so the cases above test the analysis
        withThreads(2) {
            Jit.compile(MultiTensorFunction { a -> a[0].matmul(a[1]).tanh().times(2.0).plus(1.0) }, u, m).runner().rowChunks() shouldBeGreaterThan 1
        }
    }
})
