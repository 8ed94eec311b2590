package dev.fluxion.diffeq.stiff

import dev.fluxion.diffeq.Convergence
import dev.fluxion.diffeq.OdeAlgorithm
import dev.fluxion.diffeq.OdeFunction
import dev.fluxion.diffeq.OdeProblem
import dev.fluxion.diffeq.Reference
import dev.fluxion.diffeq.Reference.doubles
import dev.fluxion.diffeq.Reference.matrix
import dev.fluxion.diffeq.ReturnCode
import dev.fluxion.diffeq.SolveOptions
import dev.fluxion.diffeq.rows
import dev.fluxion.tensor.Tensor
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.booleans.shouldBeFalse
import io.kotest.matchers.doubles.plusOrMinus
import io.kotest.matchers.doubles.shouldBeLessThan
import io.kotest.matchers.ints.shouldBeLessThan
import io.kotest.matchers.shouldBe
import kotlin.math.abs
import kotlin.math.ln
import kotlin.math.sin

/** The ESDIRK family (KenCarp4, TRBDF2): tableau conditions, accuracy on Robertson, convergence orders, both plans, Newton reuse, failures. */
class EsdirkSpec : FunSpec({
    val methods = listOf<Pair<OdeAlgorithm, EsdirkTableau>>(KenCarp4() to EsdirkTableaus.KENCARP4, TRBDF2() to EsdirkTableaus.TRBDF2)

    for ((_, t) in methods) {
        test("${t.name()}: row sums are c, the order conditions of b up to order ${t.order()} and of b̂ up to ${t.embeddedOrder()} hold") {
            val s = t.stages()
            val c = DoubleArray(s) { t.c(it) }
            for (i in 0 until s) (0 until s).sumOf { t.a(i, it) } shouldBe (c[i] plusOrMinus 1e-14)
            fun conditions(b: DoubleArray, order: Int) {
                fun sum(f: (Int) -> Double) = (0 until s).sumOf(f)
                val ac = DoubleArray(s) { i -> sum { j -> t.a(i, j) * c[j] } }
                sum { b[it] } shouldBe (1.0 plusOrMinus 1e-14)
                if (order >= 2) sum { b[it] * c[it] } shouldBe (0.5 plusOrMinus 1e-14)
                if (order >= 3) {
                    sum { b[it] * c[it] * c[it] } shouldBe (1.0 / 3 plusOrMinus 1e-14)
                    sum { b[it] * ac[it] } shouldBe (1.0 / 6 plusOrMinus 1e-14)
                }
                if (order >= 4) {
                    val acc = DoubleArray(s) { i -> sum { j -> t.a(i, j) * c[j] * c[j] } }
                    val aac = DoubleArray(s) { i -> sum { j -> t.a(i, j) * ac[j] } }
                    sum { b[it] * c[it] * c[it] * c[it] } shouldBe (0.25 plusOrMinus 1e-14)
                    sum { b[it] * c[it] * ac[it] } shouldBe (1.0 / 8 plusOrMinus 1e-14)
                    sum { b[it] * acc[it] } shouldBe (1.0 / 12 plusOrMinus 1e-14)
                    sum { b[it] * aac[it] } shouldBe (1.0 / 24 plusOrMinus 1e-14)
                }
            }
            conditions(DoubleArray(s) { t.b(it) }, t.order())
            conditions(DoubleArray(s) { t.b(it) - t.btilde(it) }, t.embeddedOrder())
        }

        test("${t.name()}: the dense output starts at u and ends at u_new (weights b at θ = 1)") {
            val w = DoubleArray(t.stages())
            t.dense().weights(0.0, w)
            w.forEach { abs(it) shouldBeLessThan 1e-15 }
            t.dense().weights(1.0, w)
            for (j in w.indices) w[j] shouldBe (t.b(j) plusOrMinus 1e-12)
        }
    }

    val ref = Reference.load("rober.json")
    val refT = ref["t"].doubles()
    val refU = ref["u"].matrix()
    val tolerances = mapOf("KenCarp4" to 1e-10, "TRBDF2" to 1e-8)
    val required = mapOf("KenCarp4" to 1e-5, "TRBDF2" to 2e-3)

    for ((alg, _) in methods) {
        test("${alg.name()} matches rober.json on [0, 1e5] at tight tolerance, on both plans") {
            val rtol = tolerances.getValue(alg.name())
            for (compile in listOf(true, false)) {
                val start = System.nanoTime()
                val sol = StiffProblems.robertson().solve(alg, SolveOptions.defaults().rtol(rtol).atol(rtol * 1e-4).saveat(*refT).compile(compile))
                val ms = (System.nanoTime() - start) / 1e6
                sol.retcode() shouldBe ReturnCode.SUCCESS
                val got = sol.u().rows()
                val perSpecies = DoubleArray(3) { j -> refT.indices.maxOf { i -> abs(got[i][j] - refU[i][j]) / (abs(refU[i][j]) + 1e-12) } }
                println("${alg.name()} rober rtol=$rtol compile=$compile: max relative error per species %s, %s, %.1f ms"
                    .format(perSpecies.map { "%.2e".format(it) }, sol.stats(), ms))
                perSpecies.max() shouldBeLessThan required.getValue(alg.name())
                sol.stats().acceptedSteps() shouldBeLessThan 20000
            }
        }
    }

    val orderSteps = mapOf("KenCarp4" to (1.0 to listOf(10, 20, 40, 80)), "TRBDF2" to (1.0 to listOf(40, 80, 160, 320)))
    for ((alg, t) in methods) {
        test("${alg.name()} converges at order ${t.order()} ± 0.3 on the stiff linear problem (eigenvalues −1, −1000)") {
            val (t1, steps) = orderSteps.getValue(alg.name())
            val prob = OdeProblem(StiffProblems.linear, StiffProblems.linearU0, 0.0, t1)
            val exact = StiffProblems.linearExact(t1)
            val scale = (0..1).maxOf { abs(exact[it]) }
            val errors = steps.map { n ->
                val u = prob.solve(alg, SolveOptions.defaults().dt(t1 / n).adaptive(false).rtol(1e-12).atol(1e-14)).u(-1).toDoubleArray()
                (0..1).maxOf { abs(u[it] - exact[it]) } / scale
            }
            val slope = Convergence.order(steps.map { t1 / it }, errors)
            println("${alg.name()}: errors ${errors.map { "%.2e".format(it) }}, measured order %.2f".format(slope))
            slope shouldBe (t.order().toDouble() plusOrMinus 0.3)
        }
    }

    for ((alg, _) in methods) {
        test("${alg.name()}: Prothero–Robinson u' = −1e4 (u − sin t) + cos t, on both plans, and its dense output") {
            val f = OdeFunction { u, _, t -> (u - t.sin()) * -1e4 + t.cos() }
            val prob = OdeProblem(f, Tensor.of(0.0), 0.0, 2.0)
            for (compile in listOf(true, false)) {
                val sol = prob.solve(alg, SolveOptions.defaults().rtol(1e-8).atol(1e-10).compile(compile))
                sol.retcode() shouldBe ReturnCode.SUCCESS
                val atSteps = sol.t().indices.maxOf { abs(sol.u(it).item() - sin(sol.t()[it])) }
                val grid = (0..200).map { 2.0 * it / 200 }
                val dense = grid.maxOf { abs(sol.at(it).item() - sin(it)) }
                println("${alg.name()} compile=$compile Prothero–Robinson: max error at steps %.2e, dense %.2e, %s".format(atSteps, dense, sol.stats()))
                atSteps shouldBeLessThan 1e-7
                // inside a step the interpolant combines z_j = h f(U_j), and f multiplies the stages' O(h³) errors
                // (stage order 2) by λ = −1e4: the stiff order reduction of any ESDIRK dense output; the steps are stiffly accurate
                dense shouldBeLessThan 3e-5
            }
        }
    }
})
