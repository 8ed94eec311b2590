package dev.fluxion.diffeq.composite

import dev.fluxion.autodiff.AD
import dev.fluxion.diffeq.OdeAlgorithm
import dev.fluxion.diffeq.OdeFunction
import dev.fluxion.diffeq.OdeProblem
import dev.fluxion.diffeq.Reference
import dev.fluxion.diffeq.Reference.doubles
import dev.fluxion.diffeq.Reference.matrix
import dev.fluxion.diffeq.ReturnCode
import dev.fluxion.diffeq.SensitivityAlgorithm
import dev.fluxion.diffeq.SolveOptions
import dev.fluxion.diffeq.ode.BS3
import dev.fluxion.diffeq.rows
import dev.fluxion.diffeq.sensitivity.ForwardDuals
import dev.fluxion.diffeq.sensitivity.ReverseTape
import dev.fluxion.diffeq.stiff.KenCarp4
import dev.fluxion.diffeq.stiff.Rodas5P
import dev.fluxion.diffeq.stiff.Rosenbrock23
import dev.fluxion.diffeq.stiff.StiffProblems
import dev.fluxion.tensor.Tensor
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.doubles.shouldBeGreaterThan
import io.kotest.matchers.doubles.shouldBeLessThan
import io.kotest.matchers.ints.shouldBeLessThan
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import kotlin.math.abs
import kotlin.math.cos
import kotlin.math.exp
import kotlin.math.pow

/** Automatic stiffness switching (AutoTsit5, AutoVern7): both ways, continuous dense output, accuracy, gradients. */
class AutoSwitchSpec : FunSpec({
    /**
     * u' = −λ(t)(u − cos t) − sin t, u(0) = 1, with exact solution cos t whatever λ: λ = 1 + p·b(t),
     * b a smooth bump ≈ 1 on t ∈ [3.5, 6.5] and ≈ 0 away from it, so the problem is non-stiff, then
     * stiff (|λ| ≈ p), then non-stiff again.
     */
    val timeVarying = OdeFunction { u, p, t ->
        val bump = (((t - 5.0) / 1.6).pow(8.0) * -1.0).exp()
        ((bump * p[0] + 1.0) * (u - t.cos())) * -1.0 - t.sin()
    }
    fun problem(p: Tensor = Tensor.of(1e4)) = OdeProblem(timeVarying, Tensor.of(1.0), 0.0, 10.0, p)

    val pairs = listOf<OdeAlgorithm>(AutoTsit5(Rosenbrock23()), AutoTsit5(Rodas5P()), AutoVern7(Rodas5P()), AutoTsit5(KenCarp4()))

    for (alg in pairs) {
        test("${alg.name()} switches to the stiff method and back on a problem whose stiffness comes and goes, with a continuous dense output") {
            for (compile in listOf(true, false)) {
                val sol = problem().solve(alg, SolveOptions.defaults().rtol(1e-7).atol(1e-9).compile(compile))
                sol.retcode() shouldBe ReturnCode.SUCCESS
                val sw = sol.stats().switches()
                if (compile) println("${alg.name()}: ${sol.stats()}")
                val names = sw.map { it.algorithm() }
                val auto = alg as AutoSwitch   // AutoTsit5 and AutoVern7 are the named AutoSwitch pairs
                names.take(3) shouldContainExactly listOf(auto.nonstiff().name(), auto.stiff().name(), auto.nonstiff().name())
                sw[1].t() shouldBeGreaterThan 2.5
                sw[1].t() shouldBeLessThan 5.0
                sw[2].t() shouldBeGreaterThan 5.0
                // the dense output, step by step each method's own interpolant, follows cos t across the switches
                val grid = (0..1000).map { 10.0 * it / 1000 }
                val dense = grid.maxOf { abs(sol.at(it).item() - cos(it)) }
                // (KenCarp4's interpolant inside stiff steps is the loosest: see EsdirkSpec's Prothero–Robinson test)
                dense shouldBeLessThan 5e-5
                // each step says which method took it, in the order of the switches
                val steps = sol.denseOutput().steps()
                val stiffSteps = steps.count { (it.cache as AutoSwitchCache<*>).stiff() }
                stiffSteps shouldBeLessThan steps.size
                (stiffSteps > 0) shouldBe true
                sol.stats().acceptedSteps() shouldBeLessThan 10000   // Rosenbrock23 is order 2 at rtol 1e-7
            }
        }
    }

    test("a purely non-stiff problem never leaves Tsit5; a stiff one moves to the stiff method within maxstiffstep steps") {
        val decay = OdeFunction { u, _, _ -> u * -1.0 }
        val s1 = OdeProblem(decay, Tensor.of(1.0), 0.0, 5.0).solve(AutoTsit5(Rosenbrock23()))
        s1.stats().switches().map { it.algorithm() } shouldContainExactly listOf("Tsit5")
        val s2 = StiffProblems.robertson(1e5).solve(AutoTsit5(Rosenbrock23()))
        s2.retcode() shouldBe ReturnCode.SUCCESS
        s2.stats().switches().map { it.algorithm() }.take(2) shouldContainExactly listOf("Tsit5", "Rosenbrock23")
        s2.stats().switches()[1].t() shouldBeLessThan 1.0
    }

    val ref = Reference.load("rober.json")
    val refT = ref["t"].doubles()
    val refU = ref["u"].matrix()
    for ((alg, rtol, required) in listOf(Triple(AutoTsit5(Rosenbrock23()), 1e-8, 2e-3), Triple(AutoVern7(Rodas5P()), 1e-10, 1e-5),
            Triple(AutoTsit5(KenCarp4()), 1e-10, 1e-5))) {
        test("${alg.name()} matches rober.json on [0, 1e5] at tight tolerance") {
            val sol = StiffProblems.robertson().solve(alg, SolveOptions.defaults().rtol(rtol).atol(rtol * 1e-4).saveat(*refT))
            sol.retcode() shouldBe ReturnCode.SUCCESS
            val got = sol.u().rows()
            val perSpecies = DoubleArray(3) { j -> refT.indices.maxOf { i -> abs(got[i][j] - refU[i][j]) / (abs(refU[i][j]) + 1e-12) } }
            println("${alg.name()} rober rtol=$rtol: max relative error per species %s, %s".format(perSpecies.map { "%.2e".format(it) }, sol.stats()))
            perSpecies.max() shouldBeLessThan required
        }
    }

    test("gradients through switching solves: ForwardDuals and ReverseTape agree with each other and with central differences") {
        val o = SolveOptions.defaults().rtol(1e-9).atol(1e-11).saveat(2.0, 5.0, 8.0, 10.0)
        // the loss reads p through λ's amplitude (the solution barely depends on it) and through u0
        fun loss(x: Tensor, s: SensitivityAlgorithm?): Tensor {
            val oo = if (s == null) o else o.sensealg(s)
            return OdeProblem(timeVarying, x.slice(0, 0, 1), 0.0, 10.0, x.slice(0, 1, 2)).solve(AutoTsit5(Rodas5P()), oo).u().sum()
        }
        val x0 = Tensor.of(1.3, 1e3)
        val g1 = AD.gradient({ x -> loss(x, ForwardDuals()) }, x0).toDoubleArray()
        val g2 = AD.gradient({ x -> loss(x, ReverseTape()) }, x0).toDoubleArray()
        for (i in 0..1) {
            val h = 1e-6 * maxOf(1.0, abs(x0.toDoubleArray()[i]))
            val e = DoubleArray(2).also { it[i] = h }
            val fd = (loss(x0 + Tensor.of(*e), null).item() - loss(x0 - Tensor.of(*e), null).item()) / (2 * h)
            println("d loss / d x$i: ForwardDuals %.10e, ReverseTape %.10e, central %.10e".format(g1[i], g2[i], fd))
            abs(g1[i] - g2[i]) shouldBeLessThan 1e-9 * maxOf(1e-3, abs(g2[i]))
            abs(g1[i] - fd) shouldBeLessThan 1e-5 * maxOf(1e-3, abs(fd))
        }
    }

    test("bad input: an explicit method without two final stages at t + h, a missing stiff method, a mass matrix — each a named error") {
        shouldThrow<IllegalArgumentException> { AutoSwitch("AutoBS3", BS3(), 2.5, Rosenbrock23()) }.message shouldContain "t + h"
        shouldThrow<IllegalArgumentException> { AutoTsit5(null) }.message shouldContain "stiff method"
        val m = Tensor.eye(3)
        shouldThrow<UnsupportedOperationException> { StiffProblems.robertson(1.0).withMassMatrix(m).solve(AutoTsit5(Rodas5P())) }
            .message shouldContain "mass matrix"
    }

    test("a right-hand side that turns NaN mid-solve ends with a return code, in either method") {
        val f = OdeFunction { u, _, t -> u * -1e4 + (t * -1.0 + 1.0).sqrt() }
        for (alg in listOf(AutoTsit5(Rosenbrock23()), AutoTsit5(KenCarp4()))) {
            val start = System.nanoTime()
            val sol = OdeProblem(f, Tensor.of(0.0), 0.0, 2.0).solve(alg)
            sol.retcode().successful() shouldBe false
            ((System.nanoTime() - start) / 1e9) shouldBeLessThan 5.0
        }
    }
})
