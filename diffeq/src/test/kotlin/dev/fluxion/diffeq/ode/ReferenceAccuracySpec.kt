package dev.fluxion.diffeq.ode

import dev.fluxion.diffeq.OdeAlgorithm
import dev.fluxion.diffeq.OdeProblem
import dev.fluxion.diffeq.Problems
import dev.fluxion.diffeq.Reference
import dev.fluxion.diffeq.Reference.doubles
import dev.fluxion.diffeq.Reference.matrix
import dev.fluxion.diffeq.Reference.tensor
import dev.fluxion.diffeq.ReturnCode
import dev.fluxion.diffeq.SolveOptions
import dev.fluxion.diffeq.maxRelativeError
import dev.fluxion.diffeq.rows
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.doubles.shouldBeLessThan
import io.kotest.matchers.shouldBe

class ReferenceAccuracySpec : FunSpec({
    val adaptive: List<OdeAlgorithm> = listOf(BS3(), DP5(), Tsit5(), Vern7(), Vern9())
    val lv = Reference.load("lotka_volterra.json")
    val lorenz = Reference.load("lorenz.json")

    fun lvError(alg: OdeAlgorithm, tol: Double): Double {
        val prob = OdeProblem(Problems.lotkaVolterra, lv["u0"].tensor(), 0.0, 10.0, lv["p"].tensor())
        val sol = prob.solve(alg, SolveOptions.defaults().saveat(*lv["t"].doubles()).rtol(tol).atol(tol))
        sol.retcode() shouldBe ReturnCode.SUCCESS
        sol.t().toList() shouldBe lv["t"].doubles().toList()
        println("LV ${alg.name()} tol=$tol: ${sol.stats()}")
        return maxRelativeError(sol.u().rows(), lv["u"].matrix())
    }

    fun lorenzError(alg: OdeAlgorithm, tol: Double): Double {
        val ts = lorenz["t"].doubles()
        val prob = OdeProblem(Problems.lorenz, lorenz["u0"].tensor(), 0.0, 5.0, lorenz["p"].tensor())
        val sol = prob.solve(alg, SolveOptions.defaults().saveat(*ts).rtol(tol).atol(tol))
        sol.retcode() shouldBe ReturnCode.SUCCESS
        return maxRelativeError(sol.u().rows(), lorenz["u"].matrix())
    }

    for (alg in adaptive) {
        test("${alg.name()} at rtol = atol = 1e-10 matches SciPy's Lotka–Volterra to 1e-7 relative at every saveat point") {
            lvError(alg, 1e-10) shouldBeLessThan 1e-7
        }
        test("${alg.name()} at rtol = atol = 1e-10 matches SciPy's Lorenz for t ≤ 5 to 1e-7 relative") {
            lorenzError(alg, 1e-10) shouldBeLessThan 1e-7
        }
    }

    test("efficiency: on Lotka–Volterra at 1e-6 Tsit5 needs within 10 % of DP5's f evaluations, at least as accurate") {
        // No count is published for DifferentialEquations.jl's Tsit5 on this problem, so the issue's
        // fallback applies: DP5 here, at equal accuracy.
        val prob = OdeProblem(Problems.lotkaVolterra, lv["u0"].tensor(), 0.0, 10.0, lv["p"].tensor())
        val opts = SolveOptions.defaults().saveat(*lv["t"].doubles()).rtol(1e-6).atol(1e-6)
        val tsit5 = prob.solve(Tsit5(), opts)
        val dp5 = prob.solve(DP5(), opts)
        val e1 = maxRelativeError(tsit5.u().rows(), lv["u"].matrix())
        val e2 = maxRelativeError(dp5.u().rows(), lv["u"].matrix())
        println("LV 1e-6: Tsit5 ${tsit5.stats()} error $e1; DP5 ${dp5.stats()} error $e2")
        (e1 <= e2) shouldBe true
        val ratio = tsit5.stats().functionEvaluations().toDouble() / dp5.stats().functionEvaluations()
        ratio shouldBeLessThan 1.10
    }

    test("Vern9 at 1e-13 matches both references to 1e-10") {
        lvError(Vern9(), 1e-13) shouldBeLessThan 1e-10
        lorenzError(Vern9(), 1e-13) shouldBeLessThan 1e-10
    }
})
