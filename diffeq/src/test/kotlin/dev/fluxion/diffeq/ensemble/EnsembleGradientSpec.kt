package dev.fluxion.diffeq.ensemble

import dev.fluxion.autodiff.AD
import dev.fluxion.diffeq.OdeProblem
import dev.fluxion.diffeq.OdeSolution
import dev.fluxion.diffeq.Problems
import dev.fluxion.diffeq.SensitivityAlgorithm
import dev.fluxion.diffeq.SolveOptions
import dev.fluxion.diffeq.ode.Tsit5
import dev.fluxion.diffeq.sensitivity.ForwardDuals
import dev.fluxion.diffeq.sensitivity.InterpolatingAdjoint
import dev.fluxion.diffeq.sensitivity.ReverseTape
import dev.fluxion.tensor.Tensor
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.doubles.shouldBeLessThan
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import java.util.SplittableRandom
import kotlin.math.abs
import kotlin.math.max

/**
 * The gradient of a loss over an ensemble: every sensitivity method that differentiates one
 * trajectory differentiates the ensemble, in parallel (EnsembleThreads: one op whose VJP solves each
 * trajectory on its worker's own tape) as serially (EnsembleSerial: everything on the caller's tape),
 * and both agree with finite differences; with a scalar output per trajectory the parallel gradient
 * solves each trajectory once, as the serial one does.
 */
class EnsembleGradientSpec : FunSpec({
    val n = 8
    val rng = SplittableRandom(5)
    val u0s = List(n) { Tensor.of(0.6 + 0.8 * rng.nextDouble(), 0.6 + 0.8 * rng.nextDouble()) }
    val scales = DoubleArray(n) { 0.9 + 0.2 * rng.nextDouble() }
    val p = Tensor.of(1.5, 1.0, 3.0, 1.0)
    val prob = OdeProblem(Problems.lotkaVolterra, Tensor.of(1.0, 1.0), 0.0, 2.0, p)
    // trajectory i: its own u0, and the parameters scaled (so p reaches each trajectory through ops of the prob function)
    val probFunc = ProblemFunction<OdeProblem> { q, i -> q.withU0(u0s[i]).withP(q.p().times(scales[i])) }
    val perTrajectoryLoss = OutputFunction<OdeSolution, Tensor> { sol, _ -> sol.u().minus(1.0).square().sum() }
    val ensemble = EnsembleProblem<OdeProblem, OdeSolution, Tensor, Tensor>(prob, probFunc, perTrajectoryLoss, EnsembleReduction.mean())
    fun options(s: SensitivityAlgorithm) = SolveOptions.defaults().saveat(0.25).rtol(1e-10).atol(1e-10).sensealg(s)
    fun meanLoss(q: Tensor, s: SensitivityAlgorithm, alg: EnsembleAlgorithm): Tensor =
        ensemble.withProb(prob.remake(q)).solve(TrajectorySolver.ode(Tsit5(), options(s)), alg, n).u()

    fun maxRelDiff(a: Tensor, b: Tensor): Double {
        val x = a.toDoubleArray()
        val y = b.toDoubleArray()
        val scale = max(1.0, y.maxOf { abs(it) })
        return x.indices.maxOf { abs(x[it] - y[it]) } / scale
    }

    // central differences of the plain ensemble loss
    val fd = run {
        val h = 1e-5
        Tensor.of(*DoubleArray(4) { j ->
            val e = DoubleArray(4).also { it[j] = h }
            (meanLoss(p.plus(Tensor.of(*e)), ReverseTape(), EnsembleSerial.INSTANCE).item()
                - meanLoss(p.minus(Tensor.of(*e)), ReverseTape(), EnsembleSerial.INSTANCE).item()) / (2 * h)
        })
    }

    for (s in listOf<SensitivityAlgorithm>(ForwardDuals(), ReverseTape(), InterpolatingAdjoint())) {
        test("${s.javaClass.simpleName}: the parallel gradient of the mean loss equals the serial one to 1e-12 and finite differences") {
            val serial = AD.valueAndGradient({ q -> meanLoss(q, s, EnsembleSerial.INSTANCE) }, p)
            val parallel = AD.valueAndGradient({ q -> meanLoss(q, s, EnsembleThreads(4)) }, p)
            parallel.value().item() shouldBe0 serial.value().item()
            withClue("parallel ${parallel.gradient()} vs serial ${serial.gradient()}") {
                maxRelDiff(parallel.gradient(), serial.gradient()) shouldBeLessThan 1e-12
            }
            withClue("gradient ${parallel.gradient()} vs finite differences $fd") {
                maxRelDiff(parallel.gradient(), fd) shouldBeLessThan 1e-5
            }
        }
    }

    test("scalar outputs: the parallel gradient solves each trajectory once, as the serial one does (its forward keeps the gradient)") {
        val calls = java.util.concurrent.atomic.AtomicInteger()
        val counted = OdeProblem({ u, q, t -> calls.incrementAndGet(); Problems.lotkaVolterra.apply(u, q, t) }, Tensor.of(1.0, 1.0), 0.0, 2.0, p)
        val ens = EnsembleProblem<OdeProblem, OdeSolution, Tensor, Tensor>(counted, probFunc, perTrajectoryLoss, EnsembleReduction.mean())
        for (s in listOf<SensitivityAlgorithm>(ForwardDuals(), ReverseTape())) {
            val o = options(s).compile(false)
            fun count(alg: EnsembleAlgorithm): Pair<Int, Tensor> {
                calls.set(0)
                val g = AD.gradient({ q -> ens.withProb(counted.remake(q)).solve(TrajectorySolver.ode(Tsit5(), o), alg, n).u() }, p)
                return calls.get() to g
            }
            val (serialCalls, serial) = count(EnsembleSerial.INSTANCE)
            val (parallelCalls, parallel) = count(EnsembleThreads(4))
            withClue("${s.javaClass.simpleName}: f evaluations serial $serialCalls, parallel $parallelCalls") {
                parallelCalls shouldBe serialCalls
            }
            maxRelDiff(parallel, serial) shouldBeLessThan 1e-12
        }
    }

    test("the parallel gradient does not depend on the parallelism or on batching") {
        val one = AD.gradient({ q -> meanLoss(q, InterpolatingAdjoint(), EnsembleThreads(1)) }, p)
        val three = AD.gradient({ q -> meanLoss(q, InterpolatingAdjoint(), EnsembleThreads(3)) }, p)
        one.toDoubleArray().toList() shouldBe0 three.toDoubleArray().toList()
        val batched = AD.gradient({ q ->
            ensemble.withProb(prob.remake(q)).withBatchSize(3).solve(TrajectorySolver.ode(Tsit5(), options(InterpolatingAdjoint())),
                EnsembleThreads(3), n).u()
        }, p)
        maxRelDiff(batched, one) shouldBeLessThan 1e-13
    }

    test("gradients reach u0 through the prob function, and tensor-valued outputs reduced by any tensor ops") {
        // trajectory i starts at u0 + offset_i; the loss is the variance of the final states over trajectories
        val offsets = List(n) { Tensor.of(0.1 * it, -0.05 * it) }
        fun spread(u0: Tensor, alg: EnsembleAlgorithm): Tensor {
            val e = EnsembleProblem.of(prob.withU0(u0), ProblemFunction<OdeProblem> { q, i -> q.withU0(q.u0().plus(offsets[i])) },
                OutputFunction<OdeSolution, Tensor> { sol, _ -> sol.last() })
            val finals = Tensor.stack(0, *e.solve(TrajectorySolver.ode(Tsit5(), options(InterpolatingAdjoint())), alg, n).u().toTypedArray())
            return finals.minus(finals.mean(0)).square().mean()
        }
        val u0 = Tensor.of(1.0, 1.0)
        val serial = AD.gradient({ x -> spread(x, EnsembleSerial.INSTANCE) }, u0)
        val parallel = AD.gradient({ x -> spread(x, EnsembleThreads()) }, u0)
        maxRelDiff(parallel, serial) shouldBeLessThan 1e-12
    }

    test("forward mode: the Jacobian of the mean final state through EnsembleThreads equals EnsembleSerial's") {
        fun meanFinal(q: Tensor, alg: EnsembleAlgorithm): Tensor =
            EnsembleProblem<OdeProblem, OdeSolution, Tensor, Tensor>(prob.remake(q), probFunc, { sol, _ -> sol.last() }, EnsembleReduction.mean())
                .solve(TrajectorySolver.ode(Tsit5(), options(ForwardDuals())), alg, n).u()
        val serial = AD.jacobian({ q -> meanFinal(q, EnsembleSerial.INSTANCE) }, p)
        val parallel = AD.jacobian({ q -> meanFinal(q, EnsembleThreads()) }, p)
        maxRelDiff(parallel, serial) shouldBeLessThan 1e-12
    }

    test("second order: a Hessian-vector product through EnsembleThreads equals EnsembleSerial's") {
        // exponential decay keeps the nested solve small: u' = −p u from u0_i
        val decay = OdeProblem({ u, q, _ -> u.times(q).unaryMinus() }, Tensor.of(1.0), 0.0, 1.0, Tensor.of(0.7))
        fun loss(q: Tensor, alg: EnsembleAlgorithm): Tensor =
            EnsembleProblem<OdeProblem, OdeSolution, Tensor, Tensor>(decay.remake(q), { pr, i -> pr.withU0(Tensor.of(1.0 + i)) },
                { sol, _ -> sol.last().square().sum() }, EnsembleReduction.sum())
                .solve(TrajectorySolver.ode(Tsit5(), SolveOptions.defaults().rtol(1e-10).atol(1e-10).sensealg(ReverseTape())), alg, 3).u()
        val v = Tensor.of(1.0)
        val serial = AD.hvp({ q -> loss(q, EnsembleSerial.INSTANCE) }, Tensor.of(0.7), v)
        val parallel = AD.hvp({ q -> loss(q, EnsembleThreads()) }, Tensor.of(0.7), v)
        maxRelDiff(parallel, serial) shouldBeLessThan 1e-12
        // exact: Σ u0² e^{−2p}: second derivative 4 Σ u0² e^{−2p}
        val exact = 4 * (1.0 + 4.0 + 9.0) * Math.exp(-1.4)
        abs(parallel.item() - exact) / exact shouldBeLessThan 1e-7
    }

    test("a differentiated EnsembleThreads solve whose outputs are not tensors says what to return") {
        shouldThrow<IllegalArgumentException> {
            AD.gradient({ q ->
                EnsembleProblem.of<OdeProblem, OdeSolution>(prob.remake(q), probFunc)
                    .solve(TrajectorySolver.ode(Tsit5(), options(ForwardDuals())), EnsembleThreads(), 2)
                Tensor.scalar(0.0)
            }, p)
        }.message shouldContain "must return a Tensor"
    }
})

private infix fun Double.shouldBe0(other: Double) = withClue("$this vs $other") { (this == other) shouldBe0b true }
private infix fun List<Double>.shouldBe0(other: List<Double>) = withClue("$this vs $other") { (this == other) shouldBe0b true }
private infix fun Boolean.shouldBe0b(other: Boolean) { if (this != other) throw AssertionError("expected equal values") }
