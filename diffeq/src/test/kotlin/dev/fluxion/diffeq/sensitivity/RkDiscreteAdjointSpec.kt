package dev.fluxion.diffeq.sensitivity

import dev.fluxion.autodiff.AD
import dev.fluxion.autodiff.Tape
import dev.fluxion.diffeq.OdeAlgorithm
import dev.fluxion.diffeq.OdeFunction
import dev.fluxion.diffeq.OdeProblem
import dev.fluxion.diffeq.Problems
import dev.fluxion.diffeq.SolveOptions
import dev.fluxion.diffeq.ode.BS3
import dev.fluxion.diffeq.ode.DP5
import dev.fluxion.diffeq.ode.Euler
import dev.fluxion.diffeq.ode.Midpoint
import dev.fluxion.diffeq.ode.RK4
import dev.fluxion.diffeq.ode.Tsit5
import dev.fluxion.diffeq.ode.Vern7
import dev.fluxion.diffeq.ode.Vern9
import dev.fluxion.diffeq.relativeGap
import dev.fluxion.tensor.Tensor
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.doubles.shouldBeLessThan
import io.kotest.matchers.ints.shouldBeGreaterThan
import io.kotest.matchers.ints.shouldBeLessThan
import io.kotest.matchers.shouldBe
import java.util.SplittableRandom

/**
 * ReverseTape's discrete adjoint (one op, f's compiled VJP per stage, RkDiscreteAdjoint) gives the
 * gradient of the tape through the solver's ops to rounding: the reference is the same solve with
 * compile(false), which runs on tracked tensors and records every stage. Every explicit RK family
 * (FSAL or not, its own interpolant, Verner's lazy extra stages, Hermite), adaptive and fixed
 * steps, saveat with t0 and repeated times, and every-step saving.
 */
class RkDiscreteAdjointSpec : FunSpec({
    val rng = SplittableRandom(11)
    // a 2-6-2 tanh network as f, its 32 parameters in p (the spiral's shape, smaller)
    val net = OdeFunction { u, p, _ ->
        val w1 = p.slice(0, 0, 12).reshape(6, 2)
        val b1 = p.slice(0, 12, 18)
        val w2 = p.slice(0, 18, 30).reshape(2, 6)
        val b2 = p.slice(0, 30, 32)
        w2.matmul((w1.matmul(u.pow(3.0)) + b1).tanh()) + b2
    }
    val pNet = Tensor.randn(rng, 32).times(0.5)
    val u0Net = Tensor.of(1.2, -0.4)
    val pLv = Tensor.of(1.5, 1.0, 3.0, 1.0)
    val u0Lv = Tensor.of(1.0, 1.0)
    val weights = Tensor.randn(rng, 4000)

    /** d/d(u0, p) of a weighted sum of the saved series' squares. */
    fun gradient(f: OdeFunction, u0: Tensor, p: Tensor, t1: Double, alg: OdeAlgorithm, opts: SolveOptions): DoubleArray {
        val x = Tensor.concat(0, u0, p)
        return AD.gradient({ v ->
            val y = OdeProblem(f, v.slice(0, 0, 2), 0.0, t1, v.slice(0, 2, v.size())).solve(alg, opts.sensealg(ReverseTape())).u()
            (y.square() * weights.slice(0, 0, y.size()).reshape(y.shape())).sum()
        }, x).toDoubleArray()
    }

    /** Checks the one-op path ran its own backward pass (no fallback to the solver's ops). */
    fun fastPathOnly(block: () -> Unit) {
        val before = RkDiscreteAdjoint.FALLBACKS.get()
        block()
        RkDiscreteAdjoint.FALLBACKS.get() shouldBe before
    }

    val adaptive = SolveOptions.defaults().rtol(1e-8).atol(1e-10)
    val saveats = listOf(
        "saveat 0.1" to adaptive.saveat(0.1),
        "saveat with t0, repeats, out of order" to adaptive.saveat(0.0, 0.3, 0.3, 1.0, 0.77),
        "every step, no dense output" to adaptive.dense(false),
    )
    for (alg in listOf<OdeAlgorithm>(Tsit5(), DP5(), BS3(), Vern7(), Vern9())) {
        for ((label, opts) in saveats) {
            test("${alg.name()}, $label: the one-op gradient is the tape's to rounding (network and Lotka-Volterra)") {
                var fast = DoubleArray(0)
                var fastLv = DoubleArray(0)
                fastPathOnly {
                    fast = gradient(net, u0Net, pNet, 1.0, alg, opts)
                    fastLv = gradient(Problems.lotkaVolterra, u0Lv, pLv, 1.0, alg, opts)
                }
                val tape = gradient(net, u0Net, pNet, 1.0, alg, opts.compile(false))
                relativeGap(fast, tape) shouldBeLessThan 1e-12
                val tapeLv = gradient(Problems.lotkaVolterra, u0Lv, pLv, 1.0, alg, opts.compile(false))
                relativeGap(fastLv, tapeLv) shouldBeLessThan 1e-12
            }
        }
    }

    for (alg in listOf<OdeAlgorithm>(Euler(), Midpoint(), RK4(), Tsit5())) {
        test("${alg.name()}, fixed steps with saveat between them (Hermite or the method's interpolant): the tape's gradient") {
            val opts = SolveOptions.defaults().dt(0.03).adaptive(false).saveat(0.0, 0.1, 0.45, 0.5, 1.0)
            var fast = DoubleArray(0)
            fastPathOnly { fast = gradient(net, u0Net, pNet, 1.0, alg, opts) }
            val tape = gradient(net, u0Net, pNet, 1.0, alg, opts.compile(false))
            relativeGap(fast, tape) shouldBeLessThan 1e-12
        }
    }

    test("the solve is one op on the caller's tape, keeping the stages but no tape entry per stage") {
        fun entries(opts: SolveOptions): Pair<Int, Long> {
            val tape = Tape()
            try {
                val pt = tape.track(pNet)
                OdeProblem(net, u0Net, 0.0, 1.0, pt).solve(Tsit5(), opts.sensealg(ReverseTape())).u().sum()
                return tape.size() to tape.retainedDoubles()
            } finally {
                tape.close()
            }
        }
        val opts = adaptive.saveat(0.1)
        val (oneOp, kept) = entries(opts)
        val (stages, keptByTape) = entries(opts.compile(false))
        println("ReverseTape: $oneOp entries / $kept doubles as one op, $stages / $keptByTape through the solver's ops")
        // the op, a view per saved state and the loss, against entries per stage
        oneOp shouldBeLessThan 30
        stages shouldBeGreaterThan 10 * oneOp
        (kept < keptByTape / 4) shouldBe true
    }

    test("with dense output the tape through the solver is kept, so sol.at(t) stays differentiable") {
        val opts = adaptive.dense(true).sensealg(ReverseTape())
        fun at(q: Tensor) = OdeProblem(net, u0Net, 0.0, 1.0, q).solve(Tsit5(), opts).at(0.55).sum()
        val g = AD.gradient({ q -> at(q) }, pNet)
        val v = Tensor.randn(rng, 32)
        val eps = 1e-6
        val fd = (at(pNet + v * eps).item() - at(pNet - v * eps).item()) / (2 * eps)
        Math.abs(g.dot(v).item() - fd) / maxOf(1.0, Math.abs(fd)) shouldBeLessThan 1e-6
    }

    test("a solve that fails gives NaN derivatives, not an exception") {
        val opts = adaptive.saveat(0.1).maxiters(3)
        val g = AD.gradient({ q -> OdeProblem(net, u0Net, 0.0, 1.0, q).solve(Tsit5(), opts.sensealg(ReverseTape())).u().sum() }, pNet)
        g.toDoubleArray().all { it.isNaN() } shouldBe true
    }

    test("a Hessian-vector product through the one-op solve matches the tape through the solver's ops") {
        val opts = adaptive.saveat(0.25).sensealg(ReverseTape())
        fun loss(o: SolveOptions) = { q: Tensor -> OdeProblem(net, u0Net, 0.0, 1.0, q).solve(Tsit5(), o).u().square().sum() }
        val v = Tensor.randn(rng, 32)
        val hv = AD.hvp(loss(opts), pNet, v).toDoubleArray()
        val ref = AD.hvp(loss(opts.compile(false)), pNet, v).toDoubleArray()
        relativeGap(hv, ref) shouldBeLessThan 1e-10
    }

    // a batch of 16 states through a 2-32-2 tanh network: the hidden layer's [16, 32] activations are
    // kept from the forward pass (StageResiduals) instead of recomputed by every stage's VJP
    val batchedNet = OdeFunction { u, p, _ ->
        val w1 = p.slice(0, 0, 64).reshape(32, 2)
        val b1 = p.slice(0, 64, 96)
        val w2 = p.slice(0, 96, 160).reshape(2, 32)
        val b2 = p.slice(0, 160, 162)
        (u.matmul(w1.transpose()) + b1).tanh().matmul(w2.transpose()) + b2
    }
    val pBatched = Tensor.randn(rng, 162).times(0.4)
    val u0Batched = Tensor.randn(rng, 16, 2)

    fun batchedGradient(alg: OdeAlgorithm, opts: SolveOptions): DoubleArray = AD.gradient({ q ->
        val y = OdeProblem(batchedNet, u0Batched, 0.0, 1.0, q).solve(alg, opts.sensealg(ReverseTape())).u()
        (y.square() * weights.slice(0, 0, y.size()).reshape(y.shape())).sum()
    }, pBatched).toDoubleArray()

    for (alg in listOf<OdeAlgorithm>(Tsit5(), DP5(), Vern7())) {
        test("${alg.name()}, a batched network: the stage VJPs run on the forward's kept activations, same bits as recomputing them") {
            val opts = adaptive.saveat(0.1)
            val served = StageResiduals.SERVED.get()
            val recomputed = StageResiduals.RECOMPUTED.get()
            var kept = DoubleArray(0)
            fastPathOnly { kept = batchedGradient(alg, opts) }
            val servedNow = StageResiduals.SERVED.get() - served
            val recomputedNow = StageResiduals.RECOMPUTED.get() - recomputed
            println("${alg.name()}: $servedNow stage VJPs from kept activations, $recomputedNow recomputed")
            // every stage of an accepted step was evaluated forward; only Verner's lazy extra stages are not
            (servedNow > 20) shouldBe true
            if (alg !is Vern7) recomputedNow shouldBe 0L
            StageResiduals.enabled = false
            val recomputing = try {
                batchedGradient(alg, opts)
            } finally {
                StageResiduals.enabled = true
            }
            kept.toList() shouldBe recomputing.toList()
            val tape = batchedGradient(alg, opts.compile(false))
            relativeGap(kept, tape) shouldBeLessThan 1e-12
        }
    }
})
