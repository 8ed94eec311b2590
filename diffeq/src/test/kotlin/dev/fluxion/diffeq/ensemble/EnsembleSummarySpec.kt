package dev.fluxion.diffeq.ensemble

import dev.fluxion.autodiff.AD
import dev.fluxion.diffeq.OdeProblem
import dev.fluxion.diffeq.OdeSolution
import dev.fluxion.diffeq.SolveOptions
import dev.fluxion.diffeq.ode.Tsit5
import dev.fluxion.tensor.Tensor
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.doubles.shouldBeLessThan
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import kotlin.math.abs
import kotlin.math.exp

/**
 * EnsembleSummary on a case with a known answer: u' = −k u from u0_i = i, i = 0..10, so u_i(t) =
 * i e^{−kt}. Over the 11 trajectories the mean is 5 e^{−kt}, the sample variance
 * (Σ (i − 5)² / 10 = 11) is 11 e^{−2kt}, and the definition-7 quantiles at 0.05 and 0.95 fall at
 * h = 0.5 and 9.5 between order statistics: 0.5 e^{−kt} and 9.5 e^{−kt}.
 */
class EnsembleSummarySpec : FunSpec({
    val k = 0.8
    val decay = OdeProblem({ u, p, _ -> u.times(p).unaryMinus() }, Tensor.of(0.0), 0.0, 2.0, Tensor.of(k))
    val options = SolveOptions.defaults().saveat(0.25).rtol(1e-12).atol(1e-12)
    fun sols(q: Tensor = Tensor.of(k), alg: EnsembleAlgorithm = EnsembleThreads()): List<OdeSolution> =
        EnsembleProblem.of<OdeProblem, OdeSolution>(decay.remake(q)) { pr, i -> pr.withU0(Tensor.of(i.toDouble())) }
            .solve(TrajectorySolver.ode(Tsit5(), options), alg, 11).u()

    fun close(actual: Tensor, exact: (Double) -> Double, t: DoubleArray, tol: Double = 1e-9) {
        val a = actual.toDoubleArray()
        a.size shouldBe t.size
        for (j in t.indices) abs(a[j] - exact(t[j])) shouldBeLessThan tol * (1 + abs(exact(t[j])))
    }

    test("mean, sample variance and quantiles over time equal the exact ones") {
        val s = EnsembleSummary.of(sols())
        val t = s.t()
        t.size shouldBe 9
        s.trajectories() shouldBe 11
        close(s.mean(), { 5 * exp(-k * it) }, t)
        close(s.variance(), { 11 * exp(-2 * k * it) }, t)
        close(s.std(), { Math.sqrt(11.0) * exp(-k * it) }, t)
        close(s.qlow(), { 0.5 * exp(-k * it) }, t)
        close(s.qhigh(), { 9.5 * exp(-k * it) }, t)
        close(s.quantile(0.5), { 5 * exp(-k * it) }, t)
        close(s.quantile(0.0), { 0.0 }, t)
        close(s.quantile(1.0), { 10 * exp(-k * it) }, t)
        val q = s.withQuantiles(0.25, 0.75)
        close(q.qlow(), { 2.5 * exp(-k * it) }, t)
        close(q.qhigh(), { 7.5 * exp(-k * it) }, t)
    }

    test("at given times by each solution's interpolant, and from output series") {
        val times = doubleArrayOf(0.1, 0.7, 1.9)
        val dense = EnsembleProblem.of<OdeProblem, OdeSolution>(decay) { pr, i -> pr.withU0(Tensor.of(i.toDouble())) }
            .solve(TrajectorySolver.ode(Tsit5(), SolveOptions.defaults().rtol(1e-12).atol(1e-12)), EnsembleSerial.INSTANCE, 11).u()
        val s = EnsembleSummary.of(dense, *times)
        close(s.mean(), { 5 * exp(-k * it) }, times, 1e-8)
        close(s.variance(), { 11 * exp(-2 * k * it) }, times, 1e-8)
        val fromSeries = EnsembleSummary.ofSeries(sols()[0].t(), sols().map { it.u() })
        fromSeries.mean().toDoubleArray().toList() shouldBe EnsembleSummary.of(sols()).mean().toDoubleArray().toList()
    }

    test("the mean and variance are differentiable: d/dk Σ_t var(t) = Σ_t −22 t e^{−2kt}, serially and in parallel") {
        val t = sols()[0].t()
        // under EnsembleThreads a differentiated ensemble's outputs are tensors: keep each solution's series
        val series = { q: Tensor, alg: EnsembleAlgorithm ->
            EnsembleProblem.of(decay.remake(q), ProblemFunction<OdeProblem> { pr, i -> pr.withU0(Tensor.of(i.toDouble())) },
                OutputFunction<OdeSolution, Tensor> { sol, _ -> sol.u() })
                .solve(TrajectorySolver.ode(Tsit5(), options), alg, 11).u()
        }
        for (alg in listOf(EnsembleSerial.INSTANCE, EnsembleThreads())) {
            val g = AD.gradient({ q -> EnsembleSummary.ofSeries(t, series(q, alg)).variance().sum() }, Tensor.of(k)).item()
            val exact = t.sumOf { -22 * it * exp(-2 * k * it) }
            abs(g - exact) / abs(exact) shouldBeLessThan 1e-8
        }
    }

    test("solutions on different grids, series of different shapes and quantiles outside [0, 1] are named errors") {
        val a = decay.withU0(Tensor.of(1.0)).solve(Tsit5(), SolveOptions.defaults().saveat(0.5))
        val b = decay.withU0(Tensor.of(1.0)).solve(Tsit5(), SolveOptions.defaults().saveat(0.25))
        shouldThrow<IllegalArgumentException> { EnsembleSummary.of(listOf(a, b)) }.message shouldContain "saveat"
        shouldThrow<IllegalArgumentException> { EnsembleSummary.ofSeries(a.t(), listOf(a.u(), b.u())) }.message shouldContain "shape"
        shouldThrow<IllegalArgumentException> { EnsembleSummary.of(listOf(a)).withQuantiles(-0.1, 0.9) }.message shouldContain "[0, 1]"
        EnsembleSummary.of(listOf(a)).variance().toDoubleArray().all { it.isNaN() } shouldBe true
    }
})
