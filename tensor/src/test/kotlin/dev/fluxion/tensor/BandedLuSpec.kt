package dev.fluxion.tensor

import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.booleans.shouldBeFalse
import io.kotest.matchers.booleans.shouldBeTrue
import io.kotest.matchers.doubles.shouldBeLessThan
import kotlin.math.abs
import kotlin.random.Random

/** The banded LU with partial pivoting against the dense LU on random band matrices, pivoting forced. */
class BandedLuSpec : FunSpec({
    test("random band matrices (pivoting needed: small diagonals) solve as the dense LU does, to roundoff") {
        val rnd = Random(5)
        for ((n, kl, ku) in listOf(Triple(1, 0, 0), Triple(7, 1, 1), Triple(30, 2, 2), Triple(40, 3, 1), Triple(25, 0, 4), Triple(50, 4, 0))) {
            val a = DoubleArray(n * n)
            val band = BandedLuDecomposition(n, kl, ku)
            for (i in 0 until n) for (j in maxOf(0, i - kl)..minOf(n - 1, i + ku)) {
                val v = if (i == j) 1e-3 * rnd.nextDouble() else rnd.nextDouble() - 0.5
                a[i * n + j] = v
                band.add(i, j, v)
            }
            band.factor().isSingular().shouldBeFalse()
            val dense = LuDecomposition.factor(a, n)
            val b = DoubleArray(n) { rnd.nextDouble() - 0.5 }
            val xb = b.clone().also { band.solve(it) }
            val xd = b.clone().also { dense.solve(it) }
            val scale = xd.maxOf { abs(it) } + 1.0
            xb.indices.maxOf { abs(xb[it] - xd[it]) } / scale shouldBeLessThan 1e-10
            // residual of the banded solution
            val r = (0 until n).maxOf { i -> abs((0 until n).sumOf { j -> a[i * n + j] * xb[j] } - b[i]) }
            r shouldBeLessThan 1e-10 * scale
        }
    }

    test("a zero pivot is reported and a solve refused; an entry outside the band is a named error") {
        val lu = BandedLuDecomposition(3, 1, 1)
        lu.add(0, 0, 1.0)
        lu.add(1, 1, 0.0)
        lu.add(2, 2, 1.0)
        lu.factor().isSingular().shouldBeTrue()
        shouldThrow<ArithmeticException> { lu.solve(DoubleArray(3)) }
        shouldThrow<IllegalArgumentException> { lu.add(0, 2, 1.0) }
    }
})
