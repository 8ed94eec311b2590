package dev.fluxion.diffeq.ensemble

import dev.fluxion.autodiff.AD
import dev.fluxion.diffeq.OdeProblem
import dev.fluxion.diffeq.OdeSolution
import dev.fluxion.diffeq.Problems
import dev.fluxion.diffeq.ReturnCode
import dev.fluxion.diffeq.SolveOptions
import dev.fluxion.diffeq.ode.Tsit5
import dev.fluxion.tensor.Tensor
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.ints.shouldBeLessThanOrEqual
import io.kotest.matchers.shouldBe
import io.kotest.matchers.shouldNotBe
import io.kotest.matchers.string.shouldContain
import java.util.SplittableRandom
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.atomic.AtomicInteger

/** Lotka–Volterra from 40 random initial states: the ensemble most tests here solve. */
private object Lv {
    val rng = SplittableRandom(13)
    val u0s: List<Tensor> = List(40) { Tensor.of(0.5 + rng.nextDouble(), 0.5 + rng.nextDouble()) }
    val prob = OdeProblem(Problems.lotkaVolterra, Tensor.of(1.0, 1.0), 0.0, 3.0, Tensor.of(1.5, 1.0, 3.0, 1.0))
    val options: SolveOptions = SolveOptions.defaults().saveat(0.25).rtol(1e-8).atol(1e-8)
    val solver = TrajectorySolver.ode(Tsit5(), options)
    val byU0 = ProblemFunction<OdeProblem> { q, i -> q.withU0(u0s[i]) }
}

private fun values(ts: List<Tensor>) = ts.map { it.toDoubleArray().toList() }

class EnsembleSpec : FunSpec({
    test("EnsembleThreads gives EnsembleSerial's outputs, return codes, stats and reduction bit for bit, in trajectory order") {
        val ensemble = EnsembleProblem<OdeProblem, OdeSolution, Tensor, Tensor>(Lv.prob, Lv.byU0,
            { sol, _ -> sol.u() }, EnsembleReduction.mean())
        val serial = ensemble.solve(Lv.solver, EnsembleSerial.INSTANCE, 40)
        for (threads in listOf(EnsembleThreads(), EnsembleThreads(3), EnsembleThreads(1))) {
            val par = ensemble.solve(Lv.solver, threads, 40)
            values(par.outputs()) shouldBe values(serial.outputs())
            par.u().toDoubleArray().toList() shouldBe serial.u().toDoubleArray().toList()
            par.retcodes() shouldBe serial.retcodes()
            par.stats() shouldBe serial.stats()
        }
        serial.trajectories() shouldBe 40
        serial.retcode() shouldBe ReturnCode.SUCCESS
    }

    test("trajectory i is the single solve of probFunc(prob, i); the default reduction collects the solutions") {
        val sols = EnsembleProblem.of<OdeProblem, OdeSolution>(Lv.prob, Lv.byU0).solve(Lv.solver, EnsembleThreads(), 40).u()
        sols.size shouldBe 40
        for (i in listOf(0, 17, 39)) {
            sols[i].u().toDoubleArray().toList() shouldBe Lv.prob.withU0(Lv.u0s[i]).solve(Tsit5(), Lv.options).u().toDoubleArray().toList()
        }
        val sum = sols.sumOf { it.stats().functionEvaluations() }
        EnsembleProblem.of<OdeProblem, OdeSolution>(Lv.prob, Lv.byU0).solve(Lv.solver, EnsembleSerial.INSTANCE, 40)
            .stats().functionEvaluations() shouldBe sum
    }

    test("batches are reduced in order and a converged reduction stops the ensemble after its batch") {
        val firsts = mutableListOf<Int>()
        // the running count of trajectories; converged once 10 are in
        val count = object : EnsembleReduction<Tensor, Int> {
            override fun initial() = 0
            override fun reduce(acc: Int, batch: List<Tensor>, first: Int): Int {
                firsts += first
                acc shouldBe first
                return acc + batch.size
            }
            override fun converged(acc: Int) = acc >= 10
        }
        val ensemble = EnsembleProblem<OdeProblem, OdeSolution, Tensor, Int>(Lv.prob, Lv.byU0, { sol, _ -> sol.last() }, count)
            .withBatchSize(4)
        val sol = ensemble.solve(Lv.solver, EnsembleThreads(), 40)
        firsts shouldContainExactly listOf(0, 4, 8)
        sol.u() shouldBe 12
        sol.trajectories() shouldBe 12
        sol.converged() shouldBe true
        // the outputs of a batched run are those of one batch
        val whole = EnsembleProblem.of(Lv.prob, Lv.byU0, OutputFunction<OdeSolution, Tensor> { s, _ -> s.last() })
            .solve(Lv.solver, EnsembleSerial.INSTANCE, 12)
        values(sol.outputs()) shouldBe values(whole.outputs())
    }

    test("each trajectory gets the seed TrajectorySeeds.of(seed, i), on any thread, in any batch") {
        fun seeds(alg: EnsembleAlgorithm, seed: Long, batch: Int): Map<Int, Long> {
            val got = ConcurrentHashMap<Int, Long>()
            val solver = TrajectorySolver<OdeProblem, OdeSolution> { q, s ->
                got[q.u0().valueAt(0).toInt()] = s
                q.solve(Tsit5(), Lv.options)
            }
            EnsembleProblem.of<OdeProblem, OdeSolution>(Lv.prob) { q, i -> q.withU0(Tensor.of(i.toDouble(), 1.0)) }
                .withSeed(seed).withBatchSize(batch).solve(solver, alg, 20)
            return got
        }
        val serial = seeds(EnsembleSerial.INSTANCE, 7, 0)
        serial.size shouldBe 20
        seeds(EnsembleThreads(), 7, 3) shouldBe serial
        for (i in 0 until 20) serial[i] shouldBe TrajectorySeeds.of(7, i)
        serial.values.toSet().size shouldBe 20
        seeds(EnsembleSerial.INSTANCE, 8, 0)[0] shouldNotBe serial[0]
    }

    test("a failed trajectory keeps its return code; the others succeed") {
        // u' = p u², u(0) = 1 blows up at t = 1/p: trajectories with p ≥ 1/2 cannot reach t = 2
        val blowUp = OdeProblem({ u, p, _ -> u.square() * p }, Tensor.of(1.0), 0.0, 2.0, Tensor.of(0.1))
        val ensemble = EnsembleProblem.of<OdeProblem, OdeSolution>(blowUp) { q, i -> q.withP(Tensor.of(0.1 + 0.15 * i)) }
        for (alg in listOf(EnsembleSerial.INSTANCE, EnsembleThreads())) {
            val sol = ensemble.solve(TrajectorySolver.ode(Tsit5(), SolveOptions.defaults()), alg, 5)
            sol.failures() shouldBe listOf(3, 4)
            sol.retcode() shouldBe ReturnCode.DT_LESS_THAN_MIN
            sol.retcodes().take(3) shouldBe List(3) { ReturnCode.SUCCESS }
        }
    }

    test("bad input and failing user functions give errors that name the trajectory") {
        val ensemble = EnsembleProblem.of<OdeProblem, OdeSolution>(Lv.prob, Lv.byU0)
        shouldThrow<IllegalArgumentException> { ensemble.solve(Lv.solver, EnsembleSerial.INSTANCE, 0) }.message shouldContain "at least 1"
        shouldThrow<IllegalArgumentException> {
            EnsembleProblem.of<OdeProblem, OdeSolution>(Lv.prob) { q, i -> if (i == 2) null else q }.solve(Lv.solver, EnsembleThreads(), 4)
        }.message shouldContain "trajectory 2"
        for (alg in listOf(EnsembleSerial.INSTANCE, EnsembleThreads())) {
            shouldThrow<IllegalArgumentException> {
                EnsembleProblem.of(Lv.prob, Lv.byU0, OutputFunction<OdeSolution, Tensor> { s, i -> require(i != 3) { "no output" }; s.last() })
                    .solve(Lv.solver, alg, 8)
            }.message shouldContain "trajectory 3"
        }
        shouldThrow<IllegalArgumentException> { EnsembleThreads(0) }.message shouldContain "parallelism"
        shouldThrow<IllegalArgumentException> { ensemble.withBatchSize(-1) }
        shouldThrow<IllegalArgumentException> { TrajectorySeeds.of(0, -1) }
    }

    test("under EnsembleThreads an output function that captures a tensor on the caller's tape is refused by name") {
        val err = shouldThrow<IllegalStateException> {
            AD.gradient({ q ->
                EnsembleProblem.of(Lv.prob, Lv.byU0, OutputFunction<OdeSolution, Tensor> { s, _ -> s.u().times(q.sum()).sum() })
                    .withReduction(EnsembleReduction.sum()).solve(Lv.solver, EnsembleThreads(2), 4).u()
            }, Tensor.of(1.0))
        }
        err.message shouldContain "prob function"
    }

    test("at most parallelism trajectories run at once, never on the caller's thread; nested ensembles run serially") {
        for (k in listOf(1, 2)) {
            val running = AtomicInteger()
            val most = AtomicInteger()
            val caller = Thread.currentThread()
            val solver = TrajectorySolver<OdeProblem, OdeSolution> { q, _ ->
                Thread.currentThread() shouldNotBe caller
                most.accumulateAndGet(running.incrementAndGet(), ::maxOf)
                try {
                    Thread.sleep(2)
                    // an ensemble inside a trajectory: serial on this worker
                    EnsembleProblem.of<OdeProblem, OdeSolution>(q).solve(Lv.solver, EnsembleThreads(), 2).u()[1]
                } finally {
                    running.decrementAndGet()
                }
            }
            EnsembleProblem.of<OdeProblem, OdeSolution>(Lv.prob, Lv.byU0).solve(solver, EnsembleThreads(k), 12).trajectories() shouldBe 12
            most.get() shouldBeLessThanOrEqual k
        }
    }
})
