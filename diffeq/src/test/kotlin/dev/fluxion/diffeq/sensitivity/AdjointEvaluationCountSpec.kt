package dev.fluxion.diffeq.sensitivity

import dev.fluxion.autodiff.AD
import dev.fluxion.diffeq.OdeFunction
import dev.fluxion.diffeq.OdeProblem
import dev.fluxion.diffeq.OdeSolution
import dev.fluxion.diffeq.SensitivityAlgorithm
import dev.fluxion.diffeq.SolveOptions
import dev.fluxion.diffeq.ode.Tsit5
import dev.fluxion.tensor.Tensor
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.doubles.shouldBeLessThan
import io.kotest.matchers.doubles.shouldBeLessThanOrEqual
import java.util.SplittableRandom
import java.util.concurrent.atomic.AtomicLong

/**
 * Issue 15's batched neural ODE (B trajectories of a 2-D state through Dense(2, 64, tanh),
 * Dense(64, 2): 322 parameters; 20 saved points on (0, 1]; Tsit5 at rtol 1e-5, atol 1e-7; loss the
 * sum of squares of the saved series), its model evaluations per gradient counted for every adjoint
 * (f runs eagerly, so each evaluation, VJPs included, calls it once). The cotangent jumps at each
 * of the 20 saved times, so every backward solve takes at least one step per interval, and Tsit5
 * (7 stages, FSAL lost at each jump) at least 7 evaluations in each: the floor is 140. Each
 * adjoint's backward evaluations stay within 1.5× of it; the checkpointed InterpolatingAdjoint's
 * forward re-solves and the quadrature adjoints' Gauss nodes are counted too.
 */
class AdjointEvaluationCountSpec : FunSpec({
    val intervals = 20
    val stages = 7
    val floor = intervals * stages
    val count = AtomicLong()
    val f = OdeFunction { u, q, _ ->
        count.incrementAndGet()
        val w1 = q.slice(0, 0, 128).reshape(64, 2)
        val b1 = q.slice(0, 128, 192)
        val w2 = q.slice(0, 192, 320).reshape(2, 64)
        val b2 = q.slice(0, 320, 322)
        u.matmul(w1.transpose()).plus(b1).tanh().matmul(w2.transpose()).plus(b2)
    }
    val rng = SplittableRandom(1)
    val p = Tensor.randn(rng, 322).times(0.3)
    val batch = 16
    val u0 = Tensor.randn(rng, batch * 2).reshape(batch, 2)
    val ts = DoubleArray(intervals) { (it + 1) / intervals.toDouble() }

    /** (forward evaluations, all evaluations, dL/dp) of one gradient. */
    fun gradient(s: SensitivityAlgorithm): Triple<Long, Long, Tensor> {
        val opts = SolveOptions.defaults().saveat(*ts).rtol(1e-5).atol(1e-7).sensealg(s).compile(false)
        var sol: OdeSolution? = null
        count.set(0)
        val g = AD.gradient({ q ->
            sol = OdeProblem(f, u0, 0.0, 1.0, q).solve(Tsit5(), opts)
            sol!!.u().square().sum()
        }, p)
        return Triple(sol!!.stats().functionEvaluations().toLong(), count.get(), g)
    }

    val reference = gradient(ReverseTape())

    for (s in listOf(BacksolveAdjoint(), InterpolatingAdjoint.dense(), InterpolatingAdjoint(), QuadratureAdjoint(), GaussAdjoint())) {
        test("$s: backward evaluations within 1.5x the floor of one Tsit5 step per saved interval ($floor), gradient as the tape's") {
            val (forward, total, g) = gradient(s)
            val backward = total - forward
            println("$s: forward $forward, backward $backward evaluations (floor $floor: ${"%.2f".format(backward.toDouble() / floor)}x)")
            backward.toDouble() shouldBeLessThanOrEqual 1.5 * floor
            (g - reference.third).norm().item() / reference.third.norm().item() shouldBeLessThan 1e-4
        }
    }
})
