package dev.fluxion.diffeq.stiff

import dev.fluxion.tensor.LuDecomposition
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import kotlin.random.Random

/**
 * Lu3 (the 3×3 factorisation FlatRosenbrockStepper uses for three components) against
 * LuDecomposition's refactor and solveRepeated: the same operations in the same order, so the
 * same bits, on every pivot order (random matrices, rows permuted so that each row leads), ties,
 * exact zeros that skip an elimination, singular matrices and the shifted form I/(γh) − J.
 */
class LuThreeSpec : FunSpec({
    /** The values' bits, every NaN as one (a NaN's payload is not part of the contract). */
    fun bits(x: DoubleArray) = x.map { if (it.isNaN()) -1L else it.toRawBits() }

    /** Lu3's and LuDecomposition's solutions of w x = b for a few b, bit for bit; and their singular verdicts. */
    fun agree(w: DoubleArray, rng: Random) {
        val lu = LuDecomposition(3).refactor(w)
        val lu3 = Lu3()
        val ok = lu3.factor(w)
        ok shouldBe !lu.isSingular
        if (!ok) return
        repeat(3) {
            val b = DoubleArray(5) { rng.nextDouble(-2.0, 2.0) }
            val x = b.copyOf()
            val y = b.copyOf()
            lu.solveRepeated(x, 1)
            lu3.solve(y, 1)
            bits(y) shouldBe bits(x)
        }
    }

    test("random matrices with every pivot order: the same bits as LuDecomposition") {
        val rng = Random(20261202)
        val perms = listOf(intArrayOf(0, 1, 2), intArrayOf(0, 2, 1), intArrayOf(1, 0, 2), intArrayOf(1, 2, 0), intArrayOf(2, 0, 1), intArrayOf(2, 1, 0))
        repeat(200) {
            val base = DoubleArray(9) { rng.nextDouble(-1.0, 1.0) }
            for (q in 0 until 3) base[q * 3 + q] += 3.0   // diagonally dominant, then rows permuted: pivots follow the permutation
            for (p in perms) {
                val w = DoubleArray(9) { base[p[it / 3] * 3 + it % 3] }
                agree(w, rng)
            }
            agree(base.map { it - 3.0 }.toDoubleArray(), rng)
        }
    }

    test("ties, zero multipliers and singular matrices: the same pivots, skips and verdicts") {
        val rng = Random(7)
        val cases = listOf(
            doubleArrayOf(1.0, 2.0, 3.0, -1.0, 5.0, 1.0, 1.0, 0.5, 2.0),    // |column 0| tied three ways: the first row pivots
            doubleArrayOf(2.0, 1.0, 0.0, 0.0, 3.0, 1.0, 0.0, -3.0, 4.0),    // zero multipliers in column 0, a tie in column 1
            doubleArrayOf(0.0, 1.0, 2.0, 0.0, 3.0, 4.0, 0.0, 5.0, 6.0),     // a zero first column: singular
            doubleArrayOf(1.0, 2.0, 3.0, 2.0, 4.0, 6.0, 1.0, 0.0, 1.0),     // rank 2: a zero pivot in column 1
            doubleArrayOf(1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0),     // rank 2: the last pivot zero (or rounding's)
            doubleArrayOf(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0),
            doubleArrayOf(1e-300, 1.0, 0.0, 0.0, 1e-300, 1.0, 1.0, 0.0, 1e-300),
        )
        for (w in cases) agree(w, rng)
        agree(doubleArrayOf(Double.NaN, 1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0), rng)   // NaN never pivots: a NaN solution, not singular
    }

    test("factorShifted is I/(γh) − J assembled as FlatRosenbrockStepper's loops do") {
        val rng = Random(11)
        repeat(100) {
            val j = DoubleArray(9) { rng.nextDouble(-1e4, 1e4) }
            val inv = rng.nextDouble(1e-3, 1e6)
            val w = DoubleArray(9) { -j[it] }
            for (q in 0 until 9 step 4) w[q] += inv
            val a = Lu3()
            val b = Lu3()
            a.factorShifted(j, inv) shouldBe b.factor(w)
            val x = DoubleArray(3) { rng.nextDouble() }
            val y = x.copyOf()
            a.solve(x, 0)
            b.solve(y, 0)
            bits(x) shouldBe bits(y)
            agree(w, rng)
        }
    }
})
