package dev.fluxion.diffeq.jump

import dev.fluxion.diffeq.OdeFunction
import dev.fluxion.diffeq.OdeProblem
import dev.fluxion.diffeq.SolveOptions
import dev.fluxion.diffeq.ode.Tsit5
import dev.fluxion.tensor.Tensor
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.doubles.shouldBeLessThan
import io.kotest.matchers.shouldBe
import io.kotest.matchers.shouldNotBe
import io.kotest.matchers.string.shouldContain
import kotlin.math.abs
import kotlin.math.cos
import kotlin.math.exp
import kotlin.math.sqrt

/**
 * Jump processes against exact distributions. Each check samples N paths with seeds 0..N−1 and
 * compares the sample mean and variance of the state at T with the exact ones, within 4 standard
 * errors (the seeds are fixed, so the test is deterministic; a wrong rate, a missed jump or a
 * biased draw moves the mean by many standard errors at these sizes).
 */
class JumpSpec : FunSpec({
    val n = 300

    /** Sample mean and variance of the first component at T over n seeded paths. */
    fun sample(prob: JumpProblem, T: Double, n: Int = 300): Pair<Double, Double> {
        var s = 0.0
        var s2 = 0.0
        for (i in 0 until n) {
            val x = prob.solve(Tsit5(), SolveOptions.defaults().saveat(*doubleArrayOf(T)).seed(i.toLong())).last().toDoubleArray()[0]
            s += x
            s2 += x * x
        }
        val m = s / n
        return m to (s2 - n * m * m) / (n - 1)
    }

    /** Mean and variance within 4 standard errors of the exact ones (kurtosis: the excess kurtosis of the exact law). */
    fun matches(what: String, got: Pair<Double, Double>, mean: Double, variance: Double, kurtosis: Double, n: Int = 300) {
        val seMean = sqrt(variance / n)
        val seVar = variance * sqrt(2.0 / (n - 1) + kurtosis / n)
        withClue("$what: mean ${got.first} (exact $mean, se $seMean), variance ${got.second} (exact $variance, se $seVar)") {
            abs(got.first - mean) shouldBeLessThan 4 * seMean
            abs(got.second - variance) shouldBeLessThan 4 * seVar
        }
    }

    // birth–death: births at rate λ, deaths at rate μ·n. Started empty, n(T) ~ Poisson(λ/μ·(1 − e^(−μT)))
    // at every T (the M/M/∞ queue), so the stationary law Poisson(λ/μ) is approached at e^(−μT).
    val lam = 10.0
    val mu = 1.0
    val birth = ConstantRateJump({ _, p, _ -> p.get(0) }, { u, _, _ -> u.plus(1.0) })
    val death = ConstantRateJump({ u, p, _ -> p.get(1).times(u.get(0)) }, { u, _, _ -> u.minus(1.0) })
    val birthDeath = JumpProblem.pure(Tensor.of(0.0), 0.0, 6.0, Tensor.of(lam, mu), birth, death)
    val poissonMean = lam / mu * (1 - exp(-mu * 6.0))

    test("birth–death by Gillespie's direct method: n(T) has the exact Poisson law's mean and variance (→ Poisson(λ/μ))") {
        matches("birth–death", sample(birthDeath, 6.0), poissonMean, poissonMean, 1 / poissonMean)
    }

    test("the same process with deaths as a VariableRateJump (the integrated rate crossing exponential draws): the same law") {
        val vdeath = VariableRateJump({ u, p, _ -> p.get(1).times(u.get(0)) }, { u, _, _ -> u.minus(1.0) })
        val mixed = JumpProblem.pure(Tensor.of(0.0), 0.0, 4.0, Tensor.of(lam, mu), birth, vdeath)
        val m = lam / mu * (1 - exp(-mu * 4.0))   // each event is located to adjacent floats: fewer, shorter paths keep this test quick
        matches("birth (constant) and death (variable)", sample(mixed, 4.0, 150), m, m, 1 / m, 150)
    }

    test("a time-dependent rate (VariableRateJump): the count of an inhomogeneous Poisson process has mean = variance = ∫ rate") {
        val a = 5.0
        val arrivals = VariableRateJump({ _, p, t -> p.get(0).times(t.sin().plus(1.0)) }, { u, _, _ -> u.plus(1.0) })
        val prob = JumpProblem.pure(Tensor.of(0.0), 0.0, 4.0, Tensor.of(a), arrivals)
        val m = a * (4.0 + 1 - cos(4.0))
        matches("inhomogeneous Poisson", sample(prob, 4.0), m, m, 1 / m)
    }

    test("jumps between ODE steps: shot noise u' = −k·u with +1 jumps at rate λ has mean λ/k and variance λ/(2k)·(1 − e^(−2kT))") {
        val k = 1.0
        val rate = 5.0
        val decay = OdeProblem(OdeFunction { u, p, _ -> u.times(p.get(1)).unaryMinus() }, Tensor.of(rate / k), 0.0, 3.0, Tensor.of(rate, k))
        val shots = JumpProblem(decay, ConstantRateJump({ _, p, _ -> p.get(0) }, { u, _, _ -> u.plus(1.0) }))
        val v = rate / (2 * k) * (1 - exp(-2 * k * 3.0))
        // the exact law is a compound shot-noise law; its excess kurtosis (cumulant κ4 = λ/(4k)(1 − e^(−4kT)) over v²) is small
        matches("shot noise", sample(shots, 3.0), rate / k, v, rate / (4 * k) * (1 - exp(-4 * k * 3.0)) / (v * v))
    }

    test("the same seed gives the same path; another seed another; jumps save both states") {
        val a = birthDeath.solve(Tsit5(), SolveOptions.defaults().seed(42))
        val b = birthDeath.solve(Tsit5(), SolveOptions.defaults().seed(42))
        val c = birthDeath.solve(Tsit5(), SolveOptions.defaults().seed(43))
        a.t().toList() shouldBe b.t().toList()
        a.u().toDoubleArray().toList() shouldBe b.u().toDoubleArray().toList()
        a.t().toList() shouldNotBe c.t().toList()
        val ts = a.t()
        val jumps = ts.indices.filter { it + 1 < ts.size && ts[it] == ts[it + 1] }
        (jumps.size > 20) shouldBe true
        for (i in jumps) abs(abs(a.u(i + 1).item() - a.u(i).item()) - 1.0) shouldBeLessThan 1e-12
        for (i in ts.indices) a.u(i).item() shouldBe Math.rint(a.u(i).item())   // counts stay whole numbers
    }

    test("bad jumps are named errors: a negative rate, an affect of the wrong shape, a matrix state with a variable rate") {
        val negative = JumpProblem.pure(Tensor.of(0.0), 0.0, 1.0, Tensor.of(1.0), ConstantRateJump({ _, _, _ -> Tensor.scalar(-1.0) }, { u, _, _ -> u }))
        shouldThrow<IllegalStateException> { negative.solve(Tsit5(), SolveOptions.defaults().seed(1)) }.message!! shouldContain "rate of jump 0"
        val wide = JumpProblem.pure(Tensor.of(0.0), 0.0, 1.0, Tensor.of(1.0), ConstantRateJump({ _, _, _ -> Tensor.scalar(5.0) }, { _, _, _ -> Tensor.of(1.0, 2.0) }))
        val m = shouldThrow<IllegalStateException> { wide.solve(Tsit5(), SolveOptions.defaults().seed(1)) }.message!!
        m shouldContain "ConstantRateJump"
        m shouldContain "shape"
        shouldThrow<IllegalArgumentException> {
            JumpProblem.pure(Tensor.zeros(2, 2), 0.0, 1.0, Tensor.of(1.0), VariableRateJump({ _, _, _ -> Tensor.scalar(1.0) }, { u, _, _ -> u }))
        }.message!! shouldContain "vector state"
    }
})
