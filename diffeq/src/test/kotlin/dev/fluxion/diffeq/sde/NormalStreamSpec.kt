package dev.fluxion.diffeq.sde

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.doubles.shouldBeLessThan
import io.kotest.matchers.shouldBe
import kotlin.math.abs
import kotlin.math.exp
import kotlin.math.sqrt

/**
 * The Brownian tree's normal generator (a ziggurat on SplitMix64, Marsaglia & Tsang 2000): its law
 * against the normal CDF (moments, Kolmogorov–Smirnov on 10⁶ draws, tail frequencies and the tail
 * sampler's conditional law), its determinism, and the increments it makes deep in the tree.
 */
class NormalStreamSpec : FunSpec({
    // Φ by composite Simpson on a grid of 10⁻³ (error far below the 10⁻³ scale of the KS bound)
    val step = 1e-3
    val grid = DoubleArray(9001)
    for (i in 1 until grid.size) {
        val a = (i - 1) * step
        val b = i * step
        val f = { x: Double -> exp(-x * x / 2) }
        grid[i] = grid[i - 1] + (b - a) / 6 * (f(a) + 4 * f((a + b) / 2) + f(b))
    }
    fun phi(x: Double): Double {
        val ax = abs(x)
        val half = if (ax >= 9.0) sqrt(Math.PI / 2) else {
            val i = (ax / step).toInt()
            val a = i * step
            val f = { y: Double -> exp(-y * y / 2) }
            grid[i] + (ax - a) / 6 * (f(a) + 4 * f((a + ax) / 2) + f(ax))
        }
        val p = half / sqrt(2 * Math.PI)
        return if (x >= 0) 0.5 + p else 0.5 - p
    }

    test("10⁶ draws have the moments of N(0, 1) and pass Kolmogorov–Smirnov against Φ at the 0.1 % level; neighbours are uncorrelated") {
        val n = 1_000_000
        val s = NormalStream(2024)
        val z = DoubleArray(n) { s.normal() }
        var m1 = 0.0; var m2 = 0.0; var m3 = 0.0; var m4 = 0.0; var lag = 0.0
        for (i in 0 until n) {
            val x = z[i]
            m1 += x; m2 += x * x; m3 += x * x * x; m4 += x * x * x * x
            if (i > 0) lag += x * z[i - 1]
        }
        m1 /= n; m2 /= n; m3 /= n; m4 /= n
        println("normals: mean $m1, variance $m2, skewness $m3, kurtosis $m4, lag-1 ${lag / n}")
        abs(m1) shouldBeLessThan 5 / sqrt(n.toDouble())
        abs(m2 - 1) shouldBeLessThan 5 * sqrt(2.0 / n)
        abs(m3) shouldBeLessThan 5 * sqrt(15.0 / n)
        abs(m4 - 3) shouldBeLessThan 5 * sqrt(96.0 / n)
        abs(lag / n) shouldBeLessThan 5 / sqrt(n.toDouble())
        z.sort()
        var d = 0.0
        for (i in 0 until n) {
            val f = phi(z[i])
            d = maxOf(d, abs(f - i.toDouble() / n), abs(f - (i + 1).toDouble() / n))
        }
        println("normals: KS D = $d (0.1 % critical value ${1.949 / sqrt(n.toDouble())})")
        d shouldBeLessThan 1.949 / sqrt(n.toDouble())
    }

    test("tails: the frequencies beyond the base strip's edge r and beyond 4 match 2(1 − Φ), and the tail sampler has the law of |Z| given |Z| > r") {
        val n = 2_000_000
        val s = NormalStream(7)
        var beyondR = 0; var beyond4 = 0
        for (i in 0 until n) {
            val x = abs(s.normal())
            if (x > NormalStream.R) beyondR++
            if (x > 4.0) beyond4++
        }
        for ((count, edge) in listOf(beyondR to NormalStream.R, beyond4 to 4.0)) {
            val p = 2 * (1 - phi(edge))
            println("tail beyond $edge: $count draws, expected ${p * n}")
            abs(count - p * n) shouldBeLessThan 5 * sqrt(p * n)
        }
        // the conditional law of the tail (Marsaglia 1964): KS against (Φ(x) − Φ(r)) / (1 − Φ(r))
        val t = DoubleArray(100_000) { s.tail() }
        t.sort()
        val q = 1 - phi(NormalStream.R)
        var d = 0.0
        for (i in t.indices) {
            val f = (phi(t[i]) - phi(NormalStream.R)) / q
            d = maxOf(d, abs(f - i.toDouble() / t.size), abs(f - (i + 1).toDouble() / t.size))
        }
        println("tail sampler: KS D = $d")
        d shouldBeLessThan 1.949 / sqrt(t.size.toDouble())
        t.first() shouldBeLessThan t.last()
        (t.first() > NormalStream.R) shouldBe true
    }

    test("a state gives the same draws on every run; another state other draws") {
        val a = NormalStream(99)
        val b = NormalStream(12345)
        val first = DoubleArray(50) { a.normal() }.toList()
        a.reset(99)
        DoubleArray(50) { a.normal() }.toList() shouldBe first
        (DoubleArray(50) { b.normal() }.toList() == first) shouldBe false
    }

    test("firstNormal is the stream's first draw, also on the draws that need more words (wedge and tail)") {
        val spare = NormalStream(0)
        var slow = 0
        for (k in 0 until 200_000) {
            val state = NormalStream.mix(k.toLong() * 0x632BE59BD9B4E019L)
            val expected = NormalStream(state).normal()
            NormalStream.firstNormal(state, spare) shouldBe expected
            // did the draw read more than the first word? then the probe's next word is not the second
            val probe = NormalStream(state)
            probe.normal()
            val ref = NormalStream(state)
            ref.nextLong()
            if (probe.nextLong() != ref.nextLong()) slow++
        }
        println("firstNormal: $slow of 200000 draws read more than one word")
        (slow > 1000) shouldBe true   // ~1.2 %: the fallback was exercised
    }

    test("the wedge's squeeze decides exactly as y < exp(−x²/2), including points within 1e-13 of the curve") {
        val r = java.util.Random(11)
        var between = 0
        for (n in 0 until 400_000) {
            val i = 1 + r.nextInt(255)
            val w = NormalStream.wedge(i)
            val ax = w[0] + r.nextDouble() * (w[1] - w[0])
            val y = when (n % 3) {
                0 -> w[2] + r.nextDouble() * (w[3] - w[2])
                1 -> NormalStream.f(ax) * (1 + 1e-13 * (2 * r.nextDouble() - 1))
                else -> Math.nextUp(NormalStream.f(ax)) - (if (r.nextBoolean()) Math.ulp(NormalStream.f(ax)) else 0.0)
            }
            if (NormalStream.underCurve(i, ax, y) != (y < NormalStream.f(ax))) throw AssertionError("layer $i, x $ax, y $y")
            if (n % 3 != 0) between++
        }
        (between > 0) shouldBe true
    }

    test("deep in the tree (an interval of 10⁻³ of the span, two channels) ΔW has variance t − s and the Lévy area (t − s)/12, across seeds") {
        val seeds = 6000
        val s0 = 4.137; val t0 = 4.147; val h = t0 - s0
        val dW = DoubleArray(2); val lv = DoubleArray(2)
        var v = 0.0; var vh = 0.0; var m = 0.0; var cross = 0.0
        for (seed in 1..seeds) {
            BrownianTree(seed * 7919L, 0.0, 10.0, 2).increment(s0, t0, dW, lv)
            for (k in 0..1) { v += dW[k] * dW[k]; vh += lv[k] * lv[k]; m += dW[k] }
            cross += dW[0] * dW[1]
        }
        val draws = 2.0 * seeds
        println("deep increments: var ΔW ${v / draws} (h = $h), var H ${vh / draws} (h/12 = ${h / 12})")
        abs(m / draws) shouldBeLessThan 5 * sqrt(h / draws)
        abs(v / draws - h) shouldBeLessThan 5 * h * sqrt(2 / draws)
        abs(vh / draws - h / 12) shouldBeLessThan 5 * (h / 12) * sqrt(2 / draws)
        abs(cross / seeds) shouldBeLessThan 5 * h / sqrt(seeds.toDouble())
    }
})
