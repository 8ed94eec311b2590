package dev.fluxion.diffeq.events

import dev.fluxion.autodiff.AD
import dev.fluxion.autodiff.TensorFunction
import dev.fluxion.diffeq.OdeFunction
import dev.fluxion.diffeq.OdeProblem
import dev.fluxion.diffeq.SolveOptions
import dev.fluxion.diffeq.ode.Tsit5
import dev.fluxion.diffeq.sensitivity.BacksolveAdjoint
import dev.fluxion.diffeq.sensitivity.InterpolatingAdjoint
import dev.fluxion.diffeq.sensitivity.QuadratureAdjoint
import dev.fluxion.diffeq.sensitivity.ReverseTape
import dev.fluxion.tensor.Tensor
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.doubles.shouldBeLessThan
import io.kotest.matchers.shouldBe
import kotlin.math.abs
import kotlin.math.max

/**
 * The continuous adjoints' jump at events (sensitivity.EventJump) against the reverse tape, whose
 * derivative through an event is right by construction (the Newton correction of the event time
 * and the saltation term recorded as ops): every kind of event, every way of saving around it, and
 * a loss over the whole saved series (so the cotangents of the states before and after each jump
 * both enter).
 */
class EventAdjointSpec : FunSpec({
    val tight = SolveOptions.defaults().rtol(1e-11).atol(1e-11)
    val adjoints = listOf(InterpolatingAdjoint(), InterpolatingAdjoint.dense(), BacksolveAdjoint(), BacksolveAdjoint(false), QuadratureAdjoint())
    val theta = Tensor.of(1.0, 9.81, 0.8)   // h0, g, e
    val bounce = ContinuousCallback(Ball.height, Ball.bounce, Direction.DOWN)

    fun seriesLoss(q: Tensor, opts: SolveOptions): Tensor {
        val s = Ball.problem(q.get(0), q.get(1), q.get(2), 2.0).solve(Tsit5(), opts).u()
        return s.times(s).sum().plus(s.times(Tensor.of(1.0, 0.3, -0.2)).sum())
    }

    fun agree(what: String, loss: (Tensor, SolveOptions) -> Tensor, x: Tensor, opts: SolveOptions, tol: Double) {
        val want = AD.gradient(TensorFunction { q -> loss(q, opts.sensealg(ReverseTape())) }, x).toDoubleArray()
        for (m in adjoints) {
            val got = AD.gradient(TensorFunction { q -> loss(q, opts.sensealg(m)) }, x).toDoubleArray()
            for (i in got.indices) withClue("$what by $m [$i]: got ${got.toList()}, tape ${want.toList()}") {
                abs(got[i] - want[i]) shouldBeLessThan tol * max(1.0, abs(want[i]))
            }
        }
    }

    val cases = linkedMapOf(
        "bounces, saving every step (states before and after each jump)" to tight.callback(bounce),
        "bounces, saveat grid (jumps between saved times)" to tight.saveat(0.25).callback(bounce),
        "a terminating event (the last state moves with t*)" to tight.callback(ContinuousCallback.terminating(Ball.height, Direction.DOWN)),
        "a terminating event with saveat" to tight.saveat(0.1).callback(ContinuousCallback.terminating(Ball.height, Direction.DOWN)),
        "a bounce that then terminates, saving every step" to tight.callback(ContinuousCallback(Ball.height, Ball.bounce, Direction.DOWN).thenTerminate()),
        "a bounce that then terminates, with saveat (the state after is saved last)" to
            tight.saveat(0.1).callback(ContinuousCallback(Ball.height, Ball.bounce, Direction.DOWN).thenTerminate()),
        "preset times (no event time to move: the affect's VJP only)" to tight.callback(PresetTimeCallback(doubleArrayOf(0.3, 0.7), Ball.bounce)),
        "preset times on the saveat grid (the state saved there is the one before the jump)" to
            tight.saveat(0.25).callback(PresetTimeCallback(doubleArrayOf(0.5, 1.0), Ball.bounce)),
        "a vector callback: the floor and a ceiling" to tight.callback(VectorContinuousCallback(
            { u, _, _ -> Tensor.stack(u.get(0), u.get(0).unaryMinus().plus(0.5)) },
            VectorAffect { u, p, t, i -> if (i == 0) Ball.bounce.apply(u, p, t) else u.times(Tensor.of(1.0, -1.0, 1.0)) })),
    )
    for ((what, opts) in cases) {
        test("adjoint jump = reverse tape: $what") {
            agree(what, ::seriesLoss, theta, opts, 1e-9)
        }
    }

    test("a discrete callback (condition after each step, affect at the step's end) and two events 1e-4 apart: adjoints = tape") {
        // a clock-driven linear system: u' = A(p) u, with kicks when the first component crosses two levels close together
        val f = OdeFunction { u, p, _ ->
            Tensor.stack(u.get(1), u.get(0).times(p.get(0)).unaryMinus().minus(u.get(1).times(p.get(1))))
        }
        val kicks = VectorContinuousCallback({ u, _, _ -> Tensor.stack(u.get(0).minus(0.3), u.get(0).minus(0.3001)) },
            VectorAffect { u, p, _, i -> Tensor.stack(u.get(0), u.get(1).times(p.get(2).times(if (i == 0) 1.0 else 0.5).plus(0.5))) })
        val discrete = DiscreteCallback({ u, _, _ -> u.get(1).item() > 0.5 }) { u, p, _ -> u.times(Tensor.of(1.0, 0.0).plus(Tensor.of(0.0, 1.0).times(p.get(2)))) }
        val p0 = Tensor.of(4.0, 0.3, 0.8)
        fun loss(q: Tensor, o: SolveOptions): Tensor {
            val s = OdeProblem(f, Tensor.of(1.0, 0.0), 0.0, 5.0, q).solve(Tsit5(), o).u()
            return s.times(s).sum()
        }
        val ts = OdeProblem(f, Tensor.of(1.0, 0.0), 0.0, 5.0, p0).solve(Tsit5(), tight.callback(kicks)).t()
        (ts.indices.count { it + 1 < ts.size && ts[it] == ts[it + 1] } >= 4) shouldBe true
        agree("close events", ::loss, p0, tight.callback(kicks), 1e-8)
        agree("close events, saveat", ::loss, p0, tight.saveat(0.5).callback(kicks), 1e-8)
        agree("discrete", ::loss, p0, tight.callback(discrete), 1e-8)
    }
})
