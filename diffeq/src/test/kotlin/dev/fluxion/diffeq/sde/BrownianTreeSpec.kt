package dev.fluxion.diffeq.sde

import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.doubles.shouldBeLessThan
import io.kotest.matchers.shouldBe
import kotlin.math.abs
import kotlin.math.sqrt

/**
 * The Brownian tree's values as functions of (seed, t) alone, wherever the cached path stood, its
 * continuity across leaf ends, and the independence of the normals drawn at different nodes
 * (neighbouring leaves, cousins and channels uncorrelated, each with the Brownian variances).
 */
class BrownianTreeSpec : FunSpec({
    test("W(t) is the same bits from one tree asked in a shuffled order as from a fresh tree per point, at the ends and within an ulp of node ends") {
        val lo = -0.3; val hi = 7.1
        val ts = ArrayList<Double>()
        ts += lo; ts += hi
        for (d in listOf(1, 2, 5, 13, 24)) {
            val w = (hi - lo) / (1L shl d)
            for (k in 1 until minOf(1L shl d, 6L)) {
                val b = lo + k * w
                ts += b; ts += Math.nextUp(b); ts += Math.nextDown(b)
            }
        }
        val r = java.util.Random(5)
        repeat(100) { ts += lo + (hi - lo) * r.nextDouble() }
        ts.shuffle(r)
        val one = BrownianTree(77, lo, hi, 3)
        for (t in ts) {
            one.w(t).toList() shouldBe BrownianTree(77, lo, hi, 3).w(t).toList()
        }
    }

    test("an end on the dyadic grid, resolved at its node's depth, is the same bits as resolved at the leaves, whatever was asked before") {
        for ((lo, hi) in listOf(0.0 to 10.0, -0.3 to 7.1, 2.0 to 3.0)) {
            for (m in listOf(1, 2, 3)) {
                val fast = BrownianTree(41, lo, hi, m)
                val slow = BrownianTree(41, lo, hi, m).also { it.fullDepth = true }
                val r = java.util.Random(9)
                var t = lo
                var hits = 0
                val a = DoubleArray(m); val b = DoubleArray(m); val la = DoubleArray(m); val lb = DoubleArray(m)
                repeat(3000) {
                    // a solve's aligned steps, with some unaligned ends (saved times), retries and jumps back
                    val h = (hi - lo) * 1e-3 * (0.2 + r.nextDouble())
                    val step = if (r.nextInt(8) == 0) h else fast.alignedStep(t, h)
                    var end = minOf(hi, t + step)
                    if (r.nextInt(20) == 0) end = lo + (hi - lo) * r.nextDouble()
                    if (end != t) {
                        fast.increment(t, end, a, la)
                        slow.increment(t, end, b, lb)
                        for (k in 0 until m) {
                            withClue("[$lo, $hi], m = $m, [$t, $end]") {
                                a[k].toRawBits() shouldBe b[k].toRawBits()
                                la[k].toRawBits() shouldBe lb[k].toRawBits()
                            }
                        }
                        if (step != h) hits++
                    }
                    t = if (end >= hi) lo else end
                }
                withClue("aligned steps taken") { (hits > 2000) shouldBe true }
            }
        }
    }

    test("alignedStep moves t + h onto the dyadic grid of spacing under |h|/4 by at most |h|/8, either direction, inside the span") {
        val r = java.util.Random(4)
        for ((lo, hi) in listOf(0.0 to 10.0, -0.3 to 7.1)) {
            val tree = BrownianTree(1, lo, hi, 2)
            val len = hi - lo
            repeat(20000) {
                val t = lo + len * r.nextDouble()
                val mag = len * Math.pow(10.0, -1 - 5 * r.nextDouble())
                val h = if (r.nextBoolean()) mag else -mag
                val a = tree.alignedStep(t, h)
                withClue("t = $t, h = $h, aligned $a") {
                    abs(a - h) shouldBeLessThan abs(h) / 8 * (1 + 1e-6)   // g/2, give or take the rounding of the grid index
                    (a * h > 0) shouldBe true
                    if (a != h) {
                        val end = t + a
                        (end >= lo && end <= hi) shouldBe true
                        // the end is lo plus a whole number of spacings g = 2⁻ᴸ·len, the coarsest g < |h|/4
                        // (on a grid, on every finer one: g/2 allows for the rounding of len/|h| here)
                        val g = Math.scalb(len, -(Math.getExponent(len / abs(h)) + 4))
                        (g < abs(h) / 8) shouldBe true
                        end shouldBe lo + Math.rint((end - lo) / g) * g
                    }
                }
            }
            tree.alignedStep(lo, 0.0) shouldBe 0.0
            tree.alignedStep(lo, len * 1e-9) shouldBe len * 1e-9   // within a few leaves: left alone
        }
    }

    test("W and the increments are continuous across leaf ends: a step of an ulp moves W by far less than a leaf's typical increment") {
        val tree = BrownianTree(3, 0.0, 10.0, 2)
        val leaf = 10.0 / (1L shl BrownianTree.DEFAULT_LEVELS)
        val r = java.util.Random(8)
        repeat(500) {
            val b = (1 + r.nextInt((1 shl 24) - 2)) * leaf
            for (t in listOf(Math.nextDown(b), Math.nextUp(b))) {
                val a = tree.w(b); val c = tree.w(t)
                for (k in 0..1) abs(a[k] - c[k]) shouldBeLessThan 1e-3 * sqrt(leaf)
            }
        }
    }

    test("increments over neighbouring and cousin leaves deep in the tree and over the channels are uncorrelated, with variances h and h/12") {
        // 8 consecutive intervals of 2⁻²⁰ of the span (siblings, cousins, second cousins, ...) and
        // 2 channels: 16 increments and 16 Lévy areas per path; a node whose normals repeated
        // another's (a seed collision) would show as a correlation of 1
        val paths = 3000
        val n = 8; val m = 2
        val h = 1.0 / (1L shl 20)
        val x = Array(paths) { DoubleArray(2 * n * m) }
        val dW = DoubleArray(m); val lv = DoubleArray(m)
        for (p in 0 until paths) {
            val tree = BrownianTree(1000L + p, 0.0, 1.0, m)
            val t0 = 0.5 - 4 * h   // straddles the root's midpoint: the two halves share no ancestor below the root
            for (i in 0 until n) {
                tree.increment(t0 + i * h, t0 + (i + 1) * h, dW, lv)
                for (k in 0 until m) {
                    x[p][(i * m + k) * 2] = dW[k] / sqrt(h)
                    x[p][(i * m + k) * 2 + 1] = lv[k] / sqrt(h / 12)
                }
            }
        }
        val q = 2 * n * m
        for (a in 0 until q) {
            var v = 0.0
            for (p in 0 until paths) v += x[p][a] * x[p][a]
            abs(v / paths - 1) shouldBeLessThan 5 * sqrt(2.0 / paths)
            for (b in a + 1 until q) {
                var c = 0.0
                for (p in 0 until paths) c += x[p][a] * x[p][b]
                abs(c / paths) shouldBeLessThan 5 / sqrt(paths.toDouble())
            }
        }
    }

    test("the paths' bits are those recorded from the tree as of 2f5758c, over seeds, channel counts, depths and query orders (a change to the descent's structure must keep them)") {
        // A hash of every value of a solve-like sequence of increments (a quarter of them retried
        // at half the step), 200 shuffled points and 100 increments backwards, for 40 seeds per
        // configuration: ~10⁷ normals, so ~10⁵ draws that leave the ziggurat's first rectangle and
        // continue the stream (and some hundred from the tail) are in it. Odd channel counts use
        // the one-channel descent, depth 40 the deep widths.
        val recorded = mapOf(
            (1 to 24) to 0x0BCC64A959BBF6D2L, (2 to 24) to 0xC7937DDCA73476B8uL.toLong(), (3 to 24) to 0x39B960096E2C4A52L,
            (5 to 12) to 0x2C41A91B8AE5438CL, (2 to 40) to 0x1D7A40A3F4ED3C0FL,
        )
        for ((cfg, want) in recorded) {
            val (m, levels) = cfg
            var h = 0L
            fun fold(x: Double) { h = (java.lang.Long.rotateLeft(h, 7) xor x.toRawBits()) * -0x61c8864680b583ebL }
            fun foldAll(xs: DoubleArray) { for (x in xs) fold(x) }
            val r = java.util.Random(1234L + m * 100 + levels)
            for (seed in 0 until 40) {
                val lo = -1.0 + r.nextDouble(); val hi = lo + 0.5 + 20 * r.nextDouble()
                val tree = BrownianTree(seed * 7919L - 3, lo, hi, m, levels)
                val dw = DoubleArray(m); val lv = DoubleArray(m)
                var s = lo; val step = (hi - lo) / 300
                while (s < hi) {
                    var t = minOf(hi, s + step * (0.5 + r.nextDouble()))
                    tree.increment(s, t, dw, lv); foldAll(dw); foldAll(lv)
                    if (r.nextInt(4) == 0) { t = s + (t - s) / 2; tree.increment(s, t, dw, lv); foldAll(dw); foldAll(lv) }
                    s = t
                }
                repeat(200) { foldAll(tree.w(lo + (hi - lo) * r.nextDouble())) }
                var t = hi
                repeat(100) {
                    val u = maxOf(lo, t - (hi - lo) * r.nextDouble() / 50)
                    tree.increment(t, u, dw, null); foldAll(dw)
                    tree.increment(u, t, null, lv); foldAll(lv)
                    t = u
                }
            }
            withClue("channels $m, levels $levels") { h shouldBe want }
        }
    }
})
