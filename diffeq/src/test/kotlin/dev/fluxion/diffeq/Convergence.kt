package dev.fluxion.diffeq

import kotlin.math.ln

/** The measured order of a method: the least-squares slope of ln(error) against ln(step size). */
object Convergence {
    fun order(stepSizes: List<Double>, errors: List<Double>): Double {
        val xs = stepSizes.map { ln(it) }
        val ys = errors.map { ln(it) }
        val mx = xs.average()
        val my = ys.average()
        return xs.zip(ys).sumOf { (x, y) -> (x - mx) * (y - my) } / xs.sumOf { (it - mx) * (it - mx) }
    }
}
