package dev.fluxion.diffeq

import dev.fluxion.autodiff.gradient
import dev.fluxion.diffeq.Reference.tensor
import dev.fluxion.diffeq.ode.Tsit5
import dev.fluxion.tensor.Tensor
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.doubles.plusOrMinus
import io.kotest.matchers.doubles.shouldBeLessThan
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain

/** sol.at(t): the method's interpolant with dense output, linear interpolation of the saved points without. */
class OdeSolutionSpec : FunSpec({
    val lv = Reference.load("lotka_volterra.json")
    val lvProb = OdeProblem(Problems.lotkaVolterra, lv["u0"].tensor(), 0.0, 10.0, lv["p"].tensor())
    val saveat = SolveOptions.defaults().saveat(0.1).rtol(1e-8).atol(1e-8)

    test("without dense output, at(t) is exact at the saved times and linear between them (DifferentialEquations.jl's saveat interpolation)") {
        val sol = lvProb.solve(Tsit5(), saveat)
        sol.hasDenseOutput() shouldBe false
        sol.at(0.0) shouldBe sol.u(0)
        sol.at(2.5) shouldBe sol.u(25)
        sol.at(10.0) shouldBe sol.u(-1)
        val a = sol.u(25).toDoubleArray()
        val b = sol.u(26).toDoubleArray()
        val mid = sol.at(2.525).toDoubleArray()   // a quarter of the way from 2.5 to 2.6
        for (j in 0..1) mid[j] shouldBe ((0.75 * a[j] + 0.25 * b[j]) plusOrMinus 1e-12)
        // first order: close to the method's own interpolant, not equal to it
        val dense = lvProb.solve(Tsit5(), saveat.dense(true)).at(2.525).toDoubleArray()
        for (j in 0..1) Math.abs(mid[j] - dense[j]) shouldBeLessThan 5e-2   // h²/8·|u″| with h = 0.1
    }

    test("without dense output, at(t) outside the saved times or at NaN is an IllegalArgumentException naming it") {
        val sol = lvProb.solve(Tsit5(), SolveOptions.defaults().saveat(1.0, 2.0, 3.0))
        shouldThrow<IllegalArgumentException> { sol.at(0.5) }.message shouldContain "outside the saved times [1.0, 3.0]"
        shouldThrow<IllegalArgumentException> { sol.at(3.5) }.message shouldContain "outside the saved times [1.0, 3.0]"
        shouldThrow<IllegalArgumentException> { sol.at(Double.NaN) }.message shouldContain "at(NaN)"
    }

    test("dense output at NaN is an IllegalArgumentException, not a state of NaNs") {
        val sol = lvProb.solve(Tsit5(), SolveOptions.defaults())
        sol.hasDenseOutput() shouldBe true
        shouldThrow<IllegalArgumentException> { sol.at(Double.NaN) }.message shouldContain "at(NaN)"
        shouldThrow<IllegalArgumentException> { sol.denseOutput().at(Double.NaN) }.message shouldContain "at(NaN)"
        shouldThrow<IllegalArgumentException> { sol.denseOutput().valuesAt(Double.NaN) }.message shouldContain "at(NaN)"
    }

    test("linear interpolation works backwards in time") {
        val back = OdeProblem(Problems.lotkaVolterra, lv["u0"].tensor(), 10.0, 0.0, lv["p"].tensor())
        val sol = back.solve(Tsit5(), saveat)
        sol.t().first() shouldBe 10.0
        val mid = sol.at(9.95).toDoubleArray()
        val mean = sol.u(0).plus(sol.u(1)).times(0.5).toDoubleArray()
        for (j in 0..1) mid[j] shouldBe (mean[j] plusOrMinus 1e-12)
        sol.at(0.0) shouldBe sol.u(-1)
        shouldThrow<IllegalArgumentException> { sol.at(10.5) }.message shouldContain "outside the saved times [0.0, 10.0]"
    }

    test("the interpolated state is differentiable: d at(2.55)/dp is the mean of d u(2.5)/dp and d u(2.6)/dp") {
        fun grad(pick: (OdeSolution) -> Tensor) =
            gradient(lvProb.p()) { q -> pick(lvProb.remake(q).solve(Tsit5(), saveat)).sum() }.toDoubleArray()
        val gm = grad { it.at(2.55) }
        val g0 = grad { it.u(25) }
        val g1 = grad { it.u(26) }
        for (j in gm.indices) gm[j] shouldBe ((0.5 * g0[j] + 0.5 * g1[j]) plusOrMinus 1e-9 * (1 + Math.abs(gm[j])))
        gm.any { it != 0.0 } shouldBe true
    }
})
