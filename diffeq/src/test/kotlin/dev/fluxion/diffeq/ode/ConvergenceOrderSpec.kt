package dev.fluxion.diffeq.ode

import dev.fluxion.diffeq.Convergence
import dev.fluxion.diffeq.Kepler
import dev.fluxion.diffeq.OdeAlgorithm
import dev.fluxion.diffeq.SolveOptions
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.doubles.plusOrMinus
import io.kotest.matchers.doubles.shouldBeLessThan
import io.kotest.matchers.ints.shouldBeGreaterThanOrEqual
import io.kotest.matchers.shouldBe
import kotlin.math.PI
import kotlin.math.ln

/**
 * Each method's convergence order, measured with fixed steps over one period of Kepler's problem
 * (exact solution from Kepler's equation): the least-squares slope of log(max error) against
 * log(h), over step counts where the error is asymptotic and above the float64 roundoff floor
 * (≈1e-12 for a period). Eccentricity and step counts are chosen per method so that window holds
 * at least three points: high-order methods need the harder orbit (e = 0.8) to have errors above
 * roundoff, and Euler needs many steps to leave the pre-asymptotic regime.
 */
class ConvergenceOrderSpec : FunSpec({
    data class Case(val alg: OdeAlgorithm, val nominal: Int, val e: Double, val steps: List<Int>)

    val cases = listOf(
        Case(Euler(), 1, 0.1, listOf(4096, 8192, 16384, 32768)),
        Case(Midpoint(), 2, 0.1, listOf(128, 256, 512, 1024, 2048)),
        Case(Heun(), 2, 0.1, listOf(128, 256, 512, 1024, 2048)),
        Case(RK4(), 4, 0.1, listOf(64, 128, 256, 512, 1024)),
        Case(BS3(), 3, 0.1, listOf(128, 256, 512, 1024, 2048)),
        Case(DP5(), 5, 0.1, listOf(64, 128, 256, 512)),
        Case(Tsit5(), 5, 0.1, listOf(64, 128, 256, 512)),
        Case(Vern7(), 7, 0.8, listOf(400, 800, 1600)),
        Case(Vern9(), 9, 0.8, listOf(100, 200, 400, 800)),
    )

    for (c in cases) {
        test("${c.alg.name()} converges at order ${c.nominal} ± 0.3 with fixed steps") {
            val kepler = Kepler(c.e)
            val t1 = 2 * PI
            val prob = kepler.problem(t1)
            val errors = c.steps.map { n ->
                kepler.maxError(prob.solve(c.alg, SolveOptions.defaults().dt(t1 / n).adaptive(false)))
            }
            errors.size shouldBeGreaterThanOrEqual 3
            errors.forEach { it shouldBeLessThan 1.0 }
            errors.last() shouldBeLessThan 0.05
            val slope = Convergence.order(c.steps.map { t1 / it }, errors)
            println("${c.alg.name()}: errors ${errors.map { "%.2e".format(it) }}, measured order %.2f".format(slope))
            slope shouldBe (c.nominal.toDouble() plusOrMinus 0.3)
        }
    }
})
