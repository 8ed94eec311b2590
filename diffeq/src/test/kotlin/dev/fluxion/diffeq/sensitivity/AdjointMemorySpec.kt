package dev.fluxion.diffeq.sensitivity

import dev.fluxion.diffeq.SensitivityAlgorithm
import dev.fluxion.autodiff.Tape
import dev.fluxion.diffeq.OdeProblem
import dev.fluxion.diffeq.OdeSolution
import dev.fluxion.diffeq.Problems
import dev.fluxion.diffeq.SolveOptions
import dev.fluxion.diffeq.ode.Tsit5
import dev.fluxion.tensor.Tensor
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.ints.shouldBeGreaterThan
import io.kotest.matchers.longs.shouldBeGreaterThan
import io.kotest.matchers.shouldBe

/** What a tape keeps for the backward pass of each method, as the number of steps grows 10×. */
class AdjointMemorySpec : FunSpec({
    val u0 = Tensor.of(1.0, 1.0)
    val p = Tensor.of(1.5, 1.0, 3.0, 1.0)

    /** Records one solve on a fresh tape and reports (steps, tape entries, retained doubles). */
    fun record(s: SensitivityAlgorithm, tol: Double, saves: Int): Triple<Int, Int, Long> {
        val tape = Tape()
        try {
            val pt = tape.track(p)
            val opts = SolveOptions.defaults().rtol(tol).atol(tol).saveat(*DoubleArray(saves) { 10.0 * (it + 1) / saves }).sensealg(s)
            val sol: OdeSolution = OdeProblem(Problems.lotkaVolterra, u0, 0.0, 10.0, pt).solve(Tsit5(), opts)
            sol.u().sum()
            return Triple(sol.stats().acceptedSteps(), tape.size(), tape.retainedDoubles())
        } finally {
            tape.close()
        }
    }

    test("BacksolveAdjoint keeps the same tape whatever the number of steps") {
        val few = record(BacksolveAdjoint(), 1e-4, 4)
        val many = record(BacksolveAdjoint(), 1e-10, 4)
        println("Backsolve: $few vs $many")
        many.first shouldBeGreaterThan 10 * few.first
        many.second shouldBe few.second
        many.third shouldBe few.third
    }

    test("InterpolatingAdjoint's memory grows with the checkpoints, not the steps") {
        val few = record(InterpolatingAdjoint(), 1e-4, 4)
        val many = record(InterpolatingAdjoint(), 1e-10, 4)
        many.first shouldBeGreaterThan 10 * few.first
        many.third shouldBe few.third
        val moreCheckpoints = record(InterpolatingAdjoint(), 1e-10, 40)
        println("Interpolating: $few vs $many vs $moreCheckpoints")
        moreCheckpoints.third shouldBeGreaterThan many.third
    }

    test("ReverseTape, for contrast, grows with the steps") {
        // one op keeping every step's stages (its discrete adjoint), or, through the solver's ops, a tape entry per stage
        val few = record(ReverseTape(), 1e-4, 4)
        val many = record(ReverseTape(), 1e-10, 4)
        println("ReverseTape: $few vs $many")
        many.third shouldBeGreaterThan 5 * few.third
    }
})
