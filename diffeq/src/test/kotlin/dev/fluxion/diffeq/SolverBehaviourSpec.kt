package dev.fluxion.diffeq

import dev.fluxion.diffeq.Reference.doubles
import dev.fluxion.diffeq.Reference.matrix
import dev.fluxion.diffeq.Reference.tensor
import dev.fluxion.diffeq.ode.BS3
import dev.fluxion.diffeq.ode.DP5
import dev.fluxion.diffeq.ode.RK4
import dev.fluxion.diffeq.ode.Tsit5
import dev.fluxion.diffeq.ode.Vern7
import dev.fluxion.diffeq.ode.Vern9
import dev.fluxion.tensor.Tensor
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContainAll
import io.kotest.matchers.doubles.shouldBeLessThan
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import kotlin.math.PI

class SolverBehaviourSpec : FunSpec({
    val lv = Reference.load("lotka_volterra.json")
    val lvProb = OdeProblem(Problems.lotkaVolterra, lv["u0"].tensor(), 0.0, 10.0, lv["p"].tensor())
    val tight = SolveOptions.defaults().rtol(1e-10).atol(1e-10)

    test("saveat as a step saves exactly 0:0.1:10, as DifferentialEquations.jl's range does") {
        val sol = lvProb.solve(Tsit5(), SolveOptions.defaults().saveat(0.1))
        sol.t().toList() shouldBe lv["t"].doubles().toList()
    }

    test("saveat times that exclude the endpoints save only those times") {
        val sol = lvProb.solve(Tsit5(), tight.saveat(2.5, 7.5, 5.0))
        sol.t().toList() shouldBe listOf(2.5, 5.0, 7.5)
        maxRelativeError(sol.u().rows(), arrayOf(lv["u"].matrix()[25], lv["u"].matrix()[50], lv["u"].matrix()[75])) shouldBeLessThan 1e-8
    }

    test("without saveat every accepted step is saved, from t0 to t1") {
        val sol = lvProb.solve(Tsit5(), SolveOptions.defaults())
        val t = sol.t()
        t.first() shouldBe 0.0
        t.last() shouldBe 10.0
        t.size shouldBe sol.stats().acceptedSteps() + 1
        t.toList().zipWithNext().all { (a, b) -> b > a } shouldBe true
    }

    test("saveEverystep(false) keeps only the endpoints") {
        val sol = lvProb.solve(Tsit5(), SolveOptions.defaults().saveEverystep(false))
        sol.t().toList() shouldBe listOf(0.0, 10.0)
    }

    test("integration backwards in time (t1 < t0) returns to the initial state") {
        val ref = lv["u"].matrix()
        val back = OdeProblem(Problems.lotkaVolterra, Tensor.of(*ref.last()), 10.0, 0.0, lv["p"].tensor())
        val sol = back.solve(Tsit5(), tight.saveat(0.1))
        sol.t().first() shouldBe 10.0
        sol.t().last() shouldBe 0.0
        sol.t().toList().zipWithNext().all { (a, b) -> b < a } shouldBe true
        maxRelativeError(sol.u().rows(), ref.reversedArray()) shouldBeLessThan 1e-7
    }

    test("dense output at(t) of every adaptive method follows the exact Kepler orbit between steps") {
        val kepler = Kepler(0.3)
        val prob = kepler.problem(2 * PI)
        for (alg in listOf(BS3(), DP5(), Tsit5(), Vern7(), Vern9())) {
            val sol = prob.solve(alg, SolveOptions.defaults().rtol(1e-10).atol(1e-10))
            sol.hasDenseOutput() shouldBe true
            var worst = 0.0
            for (k in 0..200) {
                val t = 2 * PI * k / 200.0 * 0.999 + 0.0007
                val a = sol.at(t).toDoubleArray()
                val x = kepler.exact(t)
                worst = maxOf(worst, Math.sqrt(a.indices.sumOf { (a[it] - x[it]) * (a[it] - x[it]) }))
            }
            // interpolants are of order 3 (BS3's Hermite) to 9: at 1e-10 all stay near the step error
            val bound = if (alg is BS3) 1e-6 else 1e-7
            withClue(alg.name()) { worst shouldBeLessThan bound }
        }
    }

    test("at(t) outside the solved span is a clear error; a solve with saveat has no dense output unless asked") {
        val sol = lvProb.solve(Tsit5(), SolveOptions.defaults())
        shouldThrow<IllegalArgumentException> { sol.at(11.0) }.message shouldContain "outside"
        val saved = lvProb.solve(Tsit5(), SolveOptions.defaults().saveat(0.5))
        saved.hasDenseOutput() shouldBe false
        saved.at(1.0) shouldBe saved.u(2)   // without dense output, at(t) interpolates the saved points (OdeSolutionSpec)
        val denseToo = lvProb.solve(Tsit5(), SolveOptions.defaults().saveat(0.5).dense(true))
        (denseToo.at(1.0).toDoubleArray()[0] - denseToo.u(2).toDoubleArray()[0]) shouldBe 0.0
    }

    test("tstops are stepped to exactly") {
        val sol = lvProb.solve(Tsit5(), SolveOptions.defaults().tstops(1.2345, 6.789))
        sol.t().toList() shouldContainAll listOf(1.2345, 6.789)
    }

    test("u0 and the span may be functions of p") {
        val p = lv["p"].tensor()
        val viaFunctions = OdeProblem(Problems.lotkaVolterra, { q, _ -> Tensor.of(1.0, 1.0).times(q[1]) },
            { q -> Tensor.of(0.0, 10.0).times(q[1]) }, p)
        val plain = lvProb.solve(Tsit5(), tight.saveat(1.0))
        val functional = viaFunctions.solve(Tsit5(), tight.saveat(1.0))
        functional.u().toDoubleArray().toList() shouldBe plain.u().toDoubleArray().toList()
    }

    test("remake gives the solution of a fresh problem with the new parameters") {
        val p2 = Tensor.of(1.0, 0.5, 2.0, 0.7)
        val remade = lvProb.remake(p2).solve(Tsit5(), tight.saveat(1.0))
        val fresh = OdeProblem(Problems.lotkaVolterra, lv["u0"].tensor(), 0.0, 10.0, p2).solve(Tsit5(), tight.saveat(1.0))
        remade.u().toDoubleArray().toList() shouldBe fresh.u().toDoubleArray().toList()
    }

    test("the compiled flat path and the eager tensor path compute identical numbers and counts") {
        for (alg in listOf(Tsit5(), Vern9(), BS3())) {
            val compiled = lvProb.solve(alg, SolveOptions.defaults().saveat(0.1))
            val eager = lvProb.solve(alg, SolveOptions.defaults().saveat(0.1).compile(false))
            compiled.u().toDoubleArray().toList() shouldBe eager.u().toDoubleArray().toList()
            compiled.stats() shouldBe eager.stats()
        }
    }

    test("the two paths agree bit for bit on larger states too") {
        // 3 components: the flat plan's stage sums keep each component in a register (up to 4);
        // 8 and 24: they run term by term, while the tensor kernel (LinearCombination.sum) keeps
        // registers up to SMALL = 16: the same additions in the same order either way
        for ((size, alg) in listOf(3, 8, 24).flatMap { n -> listOf(Tsit5(), Vern7(), DP5()).map { n to it } }) {
            val big = OdeProblem({ u, p, t -> u.times(p).plus(u.square().times(-0.1)).plus(t.sin()) },
                Tensor.linspace(0.5, 1.5, size), 0.0, 3.0, Tensor.linspace(-1.0, 0.5, size))
            val compiled = big.solve(alg, SolveOptions.defaults().saveat(0.25))
            val eager = big.solve(alg, SolveOptions.defaults().saveat(0.25).compile(false))
            withClue("${alg.name()}, $size components") {
                compiled.u().toDoubleArray().toList() shouldBe eager.u().toDoubleArray().toList()
                compiled.stats() shouldBe eager.stats()
            }
        }
    }

    test("a fixed-step solve takes exactly its steps; the last lands on t1") {
        val sol = lvProb.solve(RK4(), SolveOptions.defaults().dt(0.3))
        sol.stats().acceptedSteps() shouldBe 34
        sol.t().last() shouldBe 10.0
        sol.stats().functionEvaluations() shouldBe 34 * 4 + 1
    }

    test("a per-component absolute tolerance is honoured") {
        val loose = lvProb.solve(Tsit5(), SolveOptions.defaults().rtol(1e-12).atol(Tensor.of(1e-3, 1e-3)))
        val strict = lvProb.solve(Tsit5(), SolveOptions.defaults().rtol(1e-12).atol(Tensor.of(1e-12, 1e-12)))
        (strict.stats().acceptedSteps() > loose.stats().acceptedSteps()) shouldBe true
    }
})
