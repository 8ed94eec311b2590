package dev.fluxion.diffeq.sde

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.doubles.shouldBeLessThan
import kotlin.math.abs

/**
 * The tableaus satisfy Rößler's (2010) strong-order-1.5 conditions for SRI (25 conditions) and SRA
 * (8) schemes, as StochasticDiffEq.jl states them (checkSRIOrder, checkSRAOrder); matrices row i =
 * stage i, e = (1, …, 1). The stability-optimized SOSRI and SOSRA coefficients are numerical
 * solutions of the same conditions, so they meet them to roundoff of their 16 printed digits.
 */
class SdeTableauSpec : FunSpec({
    fun dot(a: DoubleArray, b: DoubleArray) = a.indices.sumOf { a[it] * b[it] }
    fun mv(m: Array<DoubleArray>, v: DoubleArray) = DoubleArray(m.size) { i -> dot(m[i], v) }
    fun sq(v: DoubleArray) = DoubleArray(v.size) { v[it] * v[it] }

    for (tab in listOf(SriTableaus.sriw1(), SriTableaus.sosri())) {
        test("${tab.name()} meets the 25 SRI order conditions for strong order 1.5") {
            val v = tab.vectors()
            val c0 = v[0]; val c1 = v[1]; val al = v[2]; val b1 = v[3]; val b2 = v[4]; val b3 = v[5]; val b4 = v[6]
            val (a0, a1, bb0, bb1) = tab.matrices().toList()
            val e = DoubleArray(al.size) { 1.0 }
            val B0e = mv(bb0, e)
            val B1e = mv(bb1, e)
            val A1B0e = mv(a1, B0e)
            val B1B1e = mv(bb1, B1e)
            val conditions = listOf(
                dot(al, e) - 1, dot(b1, e) - 1, dot(b2, e), dot(b3, e), dot(b4, e),
                dot(b1, B1e), dot(b2, B1e) - 1, dot(b3, B1e), dot(b4, B1e),
                dot(al, mv(a0, e)) - 0.5, dot(al, B0e) - 1, dot(al, sq(B0e)) - 1.5,
                dot(b1, mv(a1, e)) - 1, dot(b2, mv(a1, e)), dot(b3, mv(a1, e)) + 1, dot(b4, mv(a1, e)),
                dot(b1, sq(B1e)) - 1, dot(b2, sq(B1e)), dot(b3, sq(B1e)) + 1, dot(b4, sq(B1e)) - 2,
                dot(b1, B1B1e), dot(b2, B1B1e), dot(b3, B1B1e), dot(b4, B1B1e) - 1,
                0.5 * dot(b1, A1B0e) + dot(b3, A1B0e) / 3,
            )
            conditions.forEach { abs(it) shouldBeLessThan 1e-9 }
            // the nodes are the row sums of A⁰ and A¹ (c⁰ = A⁰e, c¹ = A¹e), as the method's stage times assume
            for (i in c0.indices) {
                abs(c0[i] - a0[i].sum()) shouldBeLessThan 1e-12
                abs(c1[i] - a1[i].sum()) shouldBeLessThan 1e-12
            }
        }
    }

    for (tab in listOf(SraTableaus.sra1(), SraTableaus.sosra())) {
        test("${tab.name()} meets the 8 SRA order conditions for strong order 1.5") {
            val v = tab.vectors()
            val c1 = v[1]; val al = v[2]; val b1 = v[3]; val b2 = v[4]
            val e = DoubleArray(al.size) { 1.0 }
            val B0e = mv(tab.b0, e)
            val conditions = listOf(
                dot(al, e) - 1, dot(b1, e) - 1, dot(b2, e), dot(al, B0e) - 1, dot(al, mv(tab.a0, e)) - 0.5,
                dot(al, sq(B0e)) - 1.5, dot(b1, c1) - 1, dot(b2, c1) + 1,
            )
            conditions.forEach { abs(it) shouldBeLessThan 1e-9 }
            for (i in v[0].indices) abs(v[0][i] - tab.a0[i].sum()) shouldBeLessThan 1e-12
        }
    }
})
