package dev.fluxion.diffeq

import dev.fluxion.autodiff.AD
import dev.fluxion.diffeq.ode.Tsit5
import dev.fluxion.diffeq.sensitivity.allMethods
import dev.fluxion.tensor.Tensor
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import java.io.File
import java.lang.ref.WeakReference
import java.util.concurrent.TimeUnit

/** The defects of issue 10 that live in the solver, each as the reproduction that once failed. */
class HardeningSpec : FunSpec({
    val p = Tensor.of(1.5, 1.0, 3.0, 1.0)
    val u0 = Tensor.of(1.0, 1.0)
    val lv = OdeProblem(Problems.lotkaVolterra, u0, 0.0, 10.0, p)

    test("an unreachable right-hand side and its compiled programs are collected, compiled or not") {
        for (compile in listOf(true, false)) {
            val ref = solveWithFreshFunction(compile)
            val deadline = System.nanoTime() + 10_000_000_000L
            while (ref.get() != null && System.nanoTime() < deadline) {
                System.gc()
                Thread.sleep(20)
            }
            ref.get() shouldBe null
        }
    }

    test("thousands of solves of fresh capturing functions run in a small heap") {
        // Each function captures 200 KB: kept alive, 1500 of them would need 300 MB of a 48 MB heap.
        val java = File(System.getProperty("java.home"), "bin/java").path
        val proc = ProcessBuilder(java, "-Xmx48m", "-cp", System.getProperty("java.class.path"), LeakCheck::class.java.name, "1500")
            .redirectErrorStream(true).start()
        val finished = proc.waitFor(120, TimeUnit.SECONDS)
        val out = proc.inputStream.bufferedReader().readText()
        finished shouldBe true
        withClue(out) { proc.exitValue() shouldBe 0 }
        out shouldContain "solved 1500"
    }

    test("a failed solve has NaN gradients by every method, and NaN forward derivatives") {
        val failing = SolveOptions.defaults().maxiters(20).saveat(0.5)
        for (s in allMethods) {
            val g = AD.gradient({ q -> lv.remake(q).solve(Tsit5(), failing.sensealg(s)).u().minus(1.0).square().sum() }, p)
            withClue("$s") { g.toDoubleArray().all { it.isNaN() } shouldBe true }
        }
        val sol = lv.solve(Tsit5(), failing)
        sol.retcode() shouldBe ReturnCode.MAX_ITERS
        val jac = AD.jacobian({ q -> lv.remake(q).solve(Tsit5(), failing).u() }, p)
        jac.toDoubleArray().all { it.isNaN() } shouldBe true
    }

    test("a saveat grid too large to hold is refused by name, not an OutOfMemoryError") {
        val msg = shouldThrow<IllegalArgumentException> {
            lv.withTspan(0.0, 1e300).solve(Tsit5(), SolveOptions.defaults().saveat(1e290))
        }.message!!
        msg shouldContain "saveat"
        msg shouldContain "larger step"
    }

    test("a null right-hand side is refused when the problem is made") {
        shouldThrow<IllegalArgumentException> { OdeProblem(null, u0, 0.0, 1.0) }.message shouldContain "f"
    }

    test("f returning null is named, compiled or eager") {
        for (compile in listOf(true, false)) {
            val bad = OdeProblem({ _, _, _ -> null }, u0, 0.0, 1.0)
            shouldThrow<IllegalArgumentException> { bad.solve(Tsit5(), SolveOptions.defaults().compile(compile)) }
                .message shouldContain "returned null"
        }
    }

    test("f changing its output shape after the first call is named as f's error") {
        var calls = 0
        val fickle = OdeProblem({ u, _, _ -> if (++calls < 3) -u else Tensor.concat(0, u, u) }, u0, 0.0, 1.0)
        val msg = shouldThrow<IllegalArgumentException> { fickle.solve(Tsit5(), SolveOptions.defaults().compile(false)) }.message!!
        msg shouldContain "right-hand side f returned shape [4]"
        msg shouldContain "[2]"
    }

    test("saveat keeps one state per time asked for, duplicates included, at the ends as inside") {
        lv.solve(Tsit5(), SolveOptions.defaults().saveat(0.0, 0.0, 10.0, 10.0)).t().toList() shouldBe listOf(0.0, 0.0, 10.0, 10.0)
        lv.solve(Tsit5(), SolveOptions.defaults().saveat(0.5, 0.5, 0.5)).t().toList() shouldBe listOf(0.5, 0.5, 0.5)
        val both = lv.solve(Tsit5(), SolveOptions.defaults().saveat(0.0, 0.5, 0.5))
        both.u(1).toDoubleArray().toList() shouldBe both.u(2).toDoubleArray().toList()
    }

    test("an empty saveat list means no saveat, as in DifferentialEquations.jl") {
        val plain = lv.solve(Tsit5())
        val empty = lv.solve(Tsit5(), SolveOptions.defaults().saveat(*DoubleArray(0)))
        empty.t().toList() shouldBe plain.t().toList()
        empty.hasDenseOutput() shouldBe true
    }

    test("saveat times given out of order are saved in time order") {
        lv.solve(Tsit5(), SolveOptions.defaults().saveat(7.5, 2.5, 5.0)).t().toList() shouldBe listOf(2.5, 5.0, 7.5)
        lv.withTspan(10.0, 0.0).withU0(u0).solve(Tsit5(), SolveOptions.defaults().saveat(2.5, 7.5)).t().toList() shouldBe listOf(7.5, 2.5)
    }

    test("sol.at(NaN) is an error, as a time outside the span is") {
        val sol = lv.solve(Tsit5())
        shouldThrow<IllegalArgumentException> { sol.at(Double.NaN) }.message shouldContain "NaN"
        shouldThrow<IllegalArgumentException> { sol.at(11.0) }.message shouldContain "outside"
    }
})

/** Solves with a function that nothing keeps after the solve; returns a weak reference to it. */
private fun solveWithFreshFunction(compile: Boolean): WeakReference<OdeFunction> {
    val big = DoubleArray(100_000) { it.toDouble() }
    val f = OdeFunction { u, _, _ -> u * (-big[1]) }
    OdeProblem(f, Tensor.of(1.0, 2.0), 0.0, 1.0).solve(Tsit5(), SolveOptions.defaults().compile(compile))
    return WeakReference(f)
}

/** Run in a JVM of its own with a small heap: N solves, each of a fresh function capturing 200 KB. */
object LeakCheck {
    @JvmStatic
    fun main(args: Array<String>) {
        val n = args[0].toInt()
        repeat(n) { i ->
            val big = DoubleArray(25_000) { (i + it).toDouble() }
            val f = OdeFunction { u, _, _ -> u * (-1.0 - big[0] * 0.0) }
            OdeProblem(f, Tensor.of(1.0, 2.0), 0.0, 1.0).solve(Tsit5(), SolveOptions.defaults().compile(i % 2 == 0))
        }
        println("solved $n")
    }
}
