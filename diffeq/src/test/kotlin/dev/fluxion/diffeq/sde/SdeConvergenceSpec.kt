package dev.fluxion.diffeq.sde

import dev.fluxion.diffeq.Convergence
import dev.fluxion.diffeq.SolveOptions
import dev.fluxion.tensor.Tensor
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.doubles.plusOrMinus
import io.kotest.matchers.doubles.shouldBeLessThan
import io.kotest.matchers.shouldBe
import kotlin.math.abs
import kotlin.math.exp
import kotlin.math.ln

/**
 * Strong and weak orders measured against exact solutions on the same Brownian path (the solver's
 * own tree, rebuilt from the seed): geometric Brownian motion du = μu dt + σu dW, exactly
 * u0·exp((μ − σ²/2)t + σW(t)) in the Itô reading and u0·exp(μt + σW(t)) in the Stratonovich one;
 * additive noise: Kloeden–Platen's test SDE (exact from W(T)), and Ornstein–Uhlenbeck du = −θu dt + σ dW,
 * exactly e^{−θT}u0 + σ(W(T) − θ∫e^{−θ(T−s)}W(s)ds) (integration by parts; the integral by a fine
 * trapezoid on the tree). Orders are least-squares slopes over the same seeded paths at every step
 * size, within 0.2 of nominal.
 */
class SdeConvergenceSpec : FunSpec({
    val mu = 1.01
    val sigma = 0.87
    val u0 = 0.5

    fun gbm(): SdeProblem = SdeProblem({ u, _, _ -> u.times(mu) }, { u, _, _ -> u.times(sigma) }, Tensor.of(u0), 0.0, 1.0)

    fun slope(hs: List<Double>, errs: List<Double>): Double = Convergence.order(hs, errs)

    fun wEnd(seed: Long): Double = BrownianTree(seed, 0.0, 1.0, 1).w(1.0)[0]

    /** Mean over paths of |u_N − u(T)| (strong) and |mean(u_N − u(T))| (weak) for each step count. */
    fun errors(prob: SdeProblem, alg: SdeAlgorithm, steps: List<Int>, paths: Int, exact: (Long) -> Double): Pair<List<Double>, List<Double>> {
        val strong = ArrayList<Double>()
        val weak = ArrayList<Double>()
        for (nSteps in steps) {
            var s = 0.0
            var w = 0.0
            for (seed in 1L..paths.toLong()) {
                val sol = prob.solve(alg, SolveOptions.defaults().dt(1.0 / nSteps).adaptive(false).saveEverystep(false).seed(seed))
                val d = sol.last().item() - exact(seed)
                s += abs(d)
                w += d
            }
            strong += s / paths
            weak += abs(w / paths)
        }
        return strong to weak
    }

    fun itoExact(seed: Long) = u0 * exp((mu - sigma * sigma / 2) + sigma * wEnd(seed))

    test("EM converges with strong order 0.5 and weak order 1 on geometric Brownian motion") {
        val steps = listOf(16, 32, 64, 128, 256)
        val (strong, _) = errors(gbm(), EM(), steps, 100, ::itoExact)
        val hs = steps.map { 1.0 / it }
        val s = slope(hs, strong)
        println("EM strong errors $strong, order %.2f".format(s))
        s shouldBe (0.5 plusOrMinus 0.2)
        // weak: a milder GBM, so the bias dominates the Monte-Carlo error of the mean difference
        val mild = SdeProblem({ u, _, _ -> u.times(1.0) }, { u, _, _ -> u.times(0.3) }, Tensor.of(1.0), 0.0, 1.0)
        val wsteps = listOf(4, 8, 16, 32)
        val (_, weak) = errors(mild, EM(), wsteps, 400) { seed -> exp(1.0 - 0.045 + 0.3 * wEnd(seed)) }
        val w = slope(wsteps.map { 1.0 / it }, weak)
        println("EM weak errors $weak, order %.2f".format(w))
        w shouldBe (1.0 plusOrMinus 0.2)
    }

    test("RKMil converges with strong order 1 on geometric Brownian motion (Itô)") {
        val steps = listOf(16, 32, 64, 128, 256)
        val (strong, _) = errors(gbm(), RKMil(), steps, 60, ::itoExact)
        val s = slope(steps.map { 1.0 / it }, strong)
        println("RKMil strong errors $strong, order %.2f".format(s))
        s shouldBe (1.0 plusOrMinus 0.2)
    }

    test("EulerHeun converges with strong order 1 on a Stratonovich GBM (diagonal noise)") {
        val steps = listOf(16, 32, 64, 128, 256)
        val (strong, _) = errors(gbm(), EulerHeun(), steps, 60) { seed -> u0 * exp(mu + sigma * wEnd(seed)) }
        val s = slope(steps.map { 1.0 / it }, strong)
        println("EulerHeun strong errors $strong, order %.2f".format(s))
        s shouldBe (1.0 plusOrMinus 0.2)
    }

    for (alg in listOf(SRIW1(), SOSRI())) {
        test("${alg.name()} converges with strong order 1.5 on geometric Brownian motion (fixed steps)") {
            val steps = listOf(32, 64, 128, 256, 512)
            val (strong, _) = errors(gbm(), alg, steps, 100, ::itoExact)
            val s = slope(steps.map { 1.0 / it }, strong)
            println("${alg.name()} strong errors $strong, order %.2f".format(s))
            s shouldBe (1.5 plusOrMinus 0.2)
        }
    }

    for (alg in listOf(SRA1(), SOSRA())) {
        test("${alg.name()} converges with order 2 on Kloeden–Platen's additive-noise SDE (as DifferentialEquations.jl's alg_order)") {
            // du = (β/√(1+t) − u/(2(1+t))) dt + αβ/√(1+t) dW, u = u0/√(1+t) + β(t + αW(t))/√(1+t)
            // (Kloeden & Platen 1992, (4.4.42); DiffEqProblemLibrary's prob_sde_additive): g depends on t
            val al = 0.1
            val be = 0.05
            val prob = SdeProblem(
                { u, _, t -> u.times(Tensor.scalar(-0.5).div(t.plus(1.0))).plus(Tensor.scalar(be).div(t.plus(1.0).sqrt())) },
                { u, _, t -> Tensor.full(1.0, u.shape()).times(Tensor.scalar(al * be).div(t.plus(1.0).sqrt())) },
                Tensor.of(0.5), 0.0, 1.0)
            val steps = listOf(4, 8, 16, 32, 64)
            val (strong, _) = errors(prob, alg, steps, 10) { seed -> (0.5 + be * (1 + al * wEnd(seed))) / kotlin.math.sqrt(2.0) }
            val s = slope(steps.map { 1.0 / it }, strong)
            println("${alg.name()} strong errors (additive KP) $strong, order %.2f".format(s))
            s shouldBe (2.0 plusOrMinus 0.2)
        }

        test("${alg.name()} converges with strong order at least 1.5 on Ornstein–Uhlenbeck (additive noise, strong noise)") {
            val theta = 2.0
            val sig = 0.8
            val ou = SdeProblem({ u, _, _ -> u.times(-theta) }, { u, _, _ -> Tensor.full(sig, u.shape()) }, Tensor.of(1.0), 0.0, 1.0)
            val fine = 1 shl 13
            val exact = { seed: Long ->
                val tree = BrownianTree(seed, 0.0, 1.0, 1)
                var integral = 0.0
                var prev = 0.0   // e^{−θ(1−0)}·W(0) = 0
                for (k in 1..fine) {
                    val s = k.toDouble() / fine
                    val cur = exp(-theta * (1 - s)) * tree.w(s)[0]
                    integral += (prev + cur) / 2 / fine
                    prev = cur
                }
                exp(-theta) + sig * (tree.w(1.0)[0] - theta * integral)
            }
            val steps = listOf(8, 16, 32, 64)
            val (strong, _) = errors(ou, alg, steps, 10, exact)
            val s = slope(steps.map { 1.0 / it }, strong)
            println("${alg.name()} strong errors (OU) $strong, order %.2f".format(s))
            strong.last() shouldBeLessThan 1e-3
            (s > 1.3) shouldBe true
        }
    }
})
