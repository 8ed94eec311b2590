package dev.fluxion.diffeq

import dev.fluxion.diffeq.Reference.tensor
import dev.fluxion.diffeq.ode.RK4
import dev.fluxion.diffeq.ode.Tsit5
import dev.fluxion.diffeq.ode.Vern9
import dev.fluxion.tensor.Tensor
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.doubles.plusOrMinus
import io.kotest.matchers.ints.shouldBeLessThanOrEqual
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain

class SolverFailureSpec : FunSpec({
    val lv = Reference.load("lotka_volterra.json")
    val lvProb = OdeProblem(Problems.lotkaVolterra, lv["u0"].tensor(), 0.0, 10.0, lv["p"].tensor())

    test("f returning a different shape names both shapes") {
        val bad = OdeProblem({ u, _, _ -> u.sum().reshape(1) }, Tensor.of(1.0, 2.0), 0.0, 1.0)
        val msg = shouldThrow<IllegalArgumentException> { bad.solve(Tsit5()) }.message!!
        msg shouldContain "[1]"
        msg shouldContain "[2]"
    }

    test("non-finite or non-positive tolerances are refused at solve") {
        for (o in listOf(SolveOptions.defaults().rtol(0.0), SolveOptions.defaults().rtol(Double.NaN),
                         SolveOptions.defaults().rtol(-1e-6))) {
            shouldThrow<IllegalArgumentException> { lvProb.solve(Tsit5(), o) }.message shouldContain "rtol"
        }
        for (o in listOf(SolveOptions.defaults().atol(0.0), SolveOptions.defaults().atol(Double.POSITIVE_INFINITY),
                         SolveOptions.defaults().atol(Tensor.of(1e-6, -1.0)))) {
            shouldThrow<IllegalArgumentException> { lvProb.solve(Tsit5(), o) }.message shouldContain "atol"
        }
    }

    test("an empty or non-finite time span is refused") {
        shouldThrow<IllegalArgumentException> { lvProb.withTspan(1.0, 1.0).solve(Tsit5()) }.message shouldContain "empty"
        shouldThrow<IllegalArgumentException> { lvProb.withTspan(0.0, Double.NaN).solve(Tsit5()) }.message shouldContain "finite"
    }

    test("saveat outside the span is refused, naming the time") {
        shouldThrow<IllegalArgumentException> { lvProb.solve(Tsit5(), SolveOptions.defaults().saveat(1.0, 11.0)) }
            .message shouldContain "11.0"
        shouldThrow<IllegalArgumentException> { lvProb.solve(Tsit5(), SolveOptions.defaults().saveat(-0.1)) }
            .message shouldContain "saveat"
    }

    test("a fixed-step method without dt says what to set") {
        shouldThrow<IllegalArgumentException> { lvProb.solve(RK4()) }.message shouldContain "dt"
    }

    test("u' = u², u(0) = 1 blows up at t = 1: DT_LESS_THAN_MIN, the solution up to there, within maxiters") {
        val prob = OdeProblem({ u, _, _ -> u.square() }, Tensor.of(1.0), 0.0, 2.0)
        val sol = prob.solve(Tsit5(), SolveOptions.defaults().rtol(1e-6).atol(1e-6))
        sol.retcode() shouldBe ReturnCode.DT_LESS_THAN_MIN
        sol.t().last() shouldBe (1.0 plusOrMinus 1e-3)
        sol.stats().acceptedSteps() + sol.stats().rejectedSteps() shouldBeLessThanOrEqual 100_000
        // the saved part is the exact solution 1/(1 − t)
        val t = sol.t()
        for (i in t.indices) if (t[i] < 0.99) sol.u(i).item() shouldBe (1 / (1 - t[i]) plusOrMinus 1e-3 / (1 - t[i]))
    }

    test("an f that returns NaN ends with UNSTABLE, adaptive or fixed-step, without an exception") {
        val nan = OdeProblem({ u, _, _ -> u.times(Double.NaN) }, Tensor.of(1.0, 2.0), 0.0, 1.0)
        nan.solve(Tsit5()).retcode() shouldBe ReturnCode.UNSTABLE
        nan.solve(RK4(), SolveOptions.defaults().dt(0.1)).retcode() shouldBe ReturnCode.UNSTABLE
        nan.solve(Vern9()).retcode() shouldBe ReturnCode.UNSTABLE
    }

    test("an f that turns NaN part way ends with a failure code and keeps the solution before it") {
        // sqrt(1 - t) is NaN past t = 1
        val prob = OdeProblem({ u, _, t -> u.times(t.rsub(1.0).sqrt()) }, Tensor.of(1.0), 0.0, 2.0)
        val sol = prob.solve(Tsit5())
        (sol.retcode() == ReturnCode.UNSTABLE || sol.retcode() == ReturnCode.DT_LESS_THAN_MIN) shouldBe true
        (sol.t().last() <= 1.0) shouldBe true
        sol.t().last() shouldBe (1.0 plusOrMinus 1e-2)
    }

    test("too few iterations end with MAX_ITERS") {
        val sol = lvProb.solve(Tsit5(), SolveOptions.defaults().maxiters(10))
        sol.retcode() shouldBe ReturnCode.MAX_ITERS
        sol.t().size shouldBe 11
    }
})
