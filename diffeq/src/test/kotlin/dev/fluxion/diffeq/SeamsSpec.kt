package dev.fluxion.diffeq

import dev.fluxion.diffeq.Reference.matrix
import dev.fluxion.diffeq.Reference.tensor
import dev.fluxion.diffeq.ode.DP5
import dev.fluxion.diffeq.ode.RK4
import dev.fluxion.diffeq.ode.Tsit5
import dev.fluxion.tensor.Tensor
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.doubles.shouldBeLessThan
import io.kotest.matchers.ints.shouldBeGreaterThan
import io.kotest.matchers.ints.shouldBeLessThan
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import java.io.File
import kotlin.math.exp
import kotlin.math.abs

/** The seams new equation classes build on: controllers, the callback phase, problems, and the package structure. */
class SeamsSpec : FunSpec({
    val lvRef = Reference.load("lotka_volterra.json")
    val lv = OdeProblem(Problems.lotkaVolterra, lvRef["u0"].tensor(), 0.0, 10.0, lvRef["p"].tensor())
    val at10 = lvRef["u"].matrix()[100]
    fun errorAt10(sol: OdeSolution) = sol.last().toDoubleArray().indices.maxOf { abs(sol.last().toDoubleArray()[it] - at10[it]) }

    test("PIDController as a PI controller (0.7, -0.4) and as Söderlind's H211PI reaches the reference with a step count like PI's") {
        val tight = SolveOptions.defaults().rtol(1e-8).atol(1e-8)
        val pi = lv.solve(Tsit5(), tight)
        for (c in listOf(PIDController(0.7, -0.4, 0.0), PIDController(1.0 / 6, 1.0 / 6, 0.0), PIDController(1.0 / 18, 1.0 / 9, 1.0 / 18))) {
            val sol = lv.solve(Tsit5(), tight.controller(c))
            sol.retcode() shouldBe ReturnCode.SUCCESS
            errorAt10(sol) shouldBeLessThan 1e-6
            sol.stats().acceptedSteps() shouldBeLessThan (pi.stats().acceptedSteps() * 1.5).toInt()
            sol.stats().acceptedSteps() shouldBeGreaterThan (pi.stats().acceptedSteps() * 0.6).toInt()
        }
    }

    test("a controller keeps no memory between solves: one instance, the same steps every time") {
        val c = PIDController(0.7, -0.4, 0.0)
        val a = lv.solve(DP5(), SolveOptions.defaults().controller(c)).t()
        val b = lv.solve(DP5(), SolveOptions.defaults().controller(c)).t()
        a.toList() shouldBe b.toList()
        val pi = PIController.forOrder(5)
        lv.solve(Tsit5(), SolveOptions.defaults().controller(pi)).t().toList() shouldBe lv.solve(Tsit5()).t().toList()
    }

    test("constant steps: every step dt, shortened only to land on a stop") {
        val sol = lv.solve(RK4(), SolveOptions.defaults().dt(0.25).tstops(1.1))
        val steps = sol.t().toList().zipWithNext { a, b -> b - a }
        steps.count { abs(it - 0.25) > 1e-12 } shouldBe 2    // into 1.1 and out of it
        sol.t().toList().contains(1.1) shouldBe true
    }

    test("a callback that terminates ends the solve with TERMINATED after the step it saw") {
        val stop = Callback { it -> if (it.t() >= 5.0) it.terminate() }
        val sol = lv.solve(Tsit5(), SolveOptions.defaults().callback(stop))
        sol.retcode() shouldBe ReturnCode.TERMINATED
        sol.retcode().successful() shouldBe true
        (sol.t().last() >= 5.0 && sol.t().last() < 10.0) shouldBe true
    }

    test("a callback that changes the state: both states are saved, and the solve continues from the new one") {
        var jumped = -1.0
        val reset = Callback { it ->
            if (jumped < 0 && it.t() >= 2.0) {
                jumped = it.t()
                it.setU(Tensor.of(1.0, 1.0))
            }
        }
        val sol = lv.solve(Tsit5(), SolveOptions.defaults().rtol(1e-10).atol(1e-10).callback(reset))
        val i = sol.t().indexOfFirst { it == jumped }
        sol.t()[i + 1] shouldBe jumped
        sol.u(i + 1).toDoubleArray().toList() shouldBe listOf(1.0, 1.0)
        val fresh = lv.withTspan(jumped, 10.0).withU0(Tensor.of(1.0, 1.0)).solve(Tsit5(), SolveOptions.defaults().rtol(1e-10).atol(1e-10))
        val d = sol.last().minus(fresh.last()).toDoubleArray().maxOf { abs(it) }
        d shouldBeLessThan 1e-7
    }

    test("a callback that throws is named in the error") {
        val bad = object : Callback {
            override fun afterStep(integrator: IntegratorState) = throw IllegalStateException("boom")
            override fun toString() = "MyCallback"
        }
        val msg = shouldThrow<IllegalStateException> { lv.solve(Tsit5(), SolveOptions.defaults().callback(bad)) }.message!!
        msg shouldContain "MyCallback"
        msg shouldContain "boom"
    }

    test("a callback's new state must keep the shape") {
        val bad = Callback { it -> it.setU(Tensor.of(1.0, 2.0, 3.0)) }
        shouldThrow<IllegalStateException> { lv.solve(Tsit5(), SolveOptions.defaults().callback(bad)) }.message shouldContain "shape"
    }

    test("a plain callback can truncate a step; a tstop beyond the new end is still landed on") {
        var cut = false
        val truncate = Callback { s -> if (!cut && s.t() > 0.5) { cut = true; s.truncate(0.5) } }
        val decay = OdeProblem(OdeFunction { u, _, _ -> u.unaryMinus() }, Tensor.of(1.0), 0.0, 2.0, Tensor.of(0.0))
        val sol = decay.solve(Tsit5(), SolveOptions.defaults().rtol(1e-10).atol(1e-10).tstops(1.5).callback(truncate))
        sol.t().any { it == 0.5 } shouldBe true
        sol.t().any { it == 1.5 } shouldBe true
        for ((i, t) in sol.t().withIndex()) abs(sol.u(i).item() - exp(-t)) shouldBeLessThan 1e-9
        sol.t().toList() shouldBe sol.t().sorted()
    }

    test("callbacks contribute tstops; a saveat step grid ending at t1 saves t1 once") {
        val decay = OdeProblem(OdeFunction { u, _, _ -> u.unaryMinus() }, Tensor.of(1.0), 0.0, 0.9, Tensor.of(0.0))
        val stops = object : Callback {
            override fun afterStep(integrator: IntegratorState) {}
            override fun tstops(t0: Double, t1: Double) = doubleArrayOf(0.123, 0.123)
        }
        decay.solve(Tsit5(), SolveOptions.defaults().callback(stops)).t().count { it == 0.123 } shouldBe 1
        decay.solve(Tsit5(), SolveOptions.defaults().saveat(0.1)).t().size shouldBe 10
    }

    test("problems are DEProblems: copies through the common interface keep the term's compiled programs") {
        val generic: DEProblem<OdeProblem> = lv
        val moved = generic.withP(Tensor.of(1.0, 1.0, 1.0, 1.0)).withU0(Tensor.of(2.0, 2.0)).withTspan(0.0, 1.0)
        moved.term().function() shouldBe lv.f()
        moved.remake(lv.p()).p() shouldBe lv.p()
        lv.solve(Tsit5())
        moved.term().isCompiled(moved.u0(), moved.p()) shouldBe true
    }

    test("the root package does not depend on the sensitivity package (no cycle between solve and sensitivities)") {
        val root = File("src/main/java/dev/fluxion/diffeq")
        val kotlinRoot = File("src/main/kotlin/dev/fluxion/diffeq")
        val files = (root.listFiles()!!.toList() + (kotlinRoot.listFiles()?.toList() ?: emptyList())).filter { it.isFile }
        files.size shouldBeGreaterThan 10
        for (f in files) {
            // an import or a qualified use of a class there (prose in comments may name the package)
            withClue(f.name) { Regex("""dev\.fluxion\.diffeq\.sensitivity\.[A-Z*]""").containsMatchIn(f.readText()) shouldBe false }
        }
    }
})

private fun <T> withClue(clue: Any, thunk: () -> T): T = io.kotest.assertions.withClue(clue) { thunk() }
